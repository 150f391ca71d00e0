-- Users, rooms, memberships and messages. Timestamps are UTC ticks; ids are sortable GUID v7 text.
-- Every list is read by keyset (timestamp, id), and each has an index in exactly that order.
CREATE TABLE users (
    id           TEXT    NOT NULL PRIMARY KEY,
    username     TEXT    NOT NULL COLLATE NOCASE,
    email        TEXT    NOT NULL,
    display_name TEXT    NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_users_username ON users (username);
CREATE INDEX ix_users_keyset ON users (created_at, id);

CREATE TABLE rooms (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL COLLATE NOCASE,
    description TEXT    NULL,
    created_by  TEXT    NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_rooms_name ON rooms (name);
CREATE INDEX ix_rooms_keyset ON rooms (created_at, id);
CREATE INDEX ix_rooms_created_by ON rooms (created_by);

CREATE TABLE room_members (
    room_id   TEXT    NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id   TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX ix_room_members_room_keyset ON room_members (room_id, joined_at, user_id);
CREATE INDEX ix_room_members_user_keyset ON room_members (user_id, joined_at, room_id);

-- A deleted message stays as a tombstone (content NULL, deleted_at set) so that pages stay stable.
CREATE TABLE messages (
    id         TEXT    NOT NULL PRIMARY KEY,
    room_id    TEXT    NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    author_id  TEXT    NULL REFERENCES users (id) ON DELETE SET NULL,
    content    TEXT    NULL,
    created_at INTEGER NOT NULL,
    edited_at  INTEGER NULL,
    deleted_at INTEGER NULL
);
CREATE INDEX ix_messages_room_keyset ON messages (room_id, created_at, id);
CREATE INDEX ix_messages_author ON messages (author_id);
