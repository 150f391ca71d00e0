-- Messages API v2: reactions and attachment metadata. Both vanish with their message's room (the message row
-- itself is only tombstoned on delete, so they stay visible on tombstones until the room goes).
CREATE TABLE message_reactions (
    message_id TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);
CREATE INDEX ix_message_reactions_message ON message_reactions (message_id, emoji, created_at);

CREATE TABLE message_attachments (
    id           TEXT    NOT NULL PRIMARY KEY,
    message_id   TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    file_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
    url          TEXT    NOT NULL
);
CREATE INDEX ix_message_attachments_message ON message_attachments (message_id, id);
