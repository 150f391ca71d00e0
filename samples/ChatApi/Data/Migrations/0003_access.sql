-- Access: each user has one role of the permission matrix (Admin, Moderator, User, Guest), and refresh tokens
-- are stored by SHA-256 only, grouped in families so that the reuse of a rotated token revokes the family.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'User';

CREATE TABLE refresh_tokens (
    token_hash        TEXT    NOT NULL PRIMARY KEY,
    family_id         TEXT    NOT NULL,
    subject           TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    family_expires_at INTEGER NOT NULL,
    consumed_at       INTEGER NULL,
    revoked_at        INTEGER NULL
);
CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX ix_refresh_tokens_subject ON refresh_tokens (subject);

-- A revoked family stays revoked for tokens that would be added to it later (a rotation racing a logout).
CREATE TABLE refresh_token_revoked_families (
    family_id  TEXT    NOT NULL PRIMARY KEY,
    revoked_at INTEGER NOT NULL
);
