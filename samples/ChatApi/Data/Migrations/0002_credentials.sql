-- Credentials: a password hash per user (NULL: the user cannot log in with a password), TOTP enrolments,
-- backup code hashes and API keys. Secrets are never stored in clear: the TOTP secret is encrypted with
-- ASP.NET Core Data Protection, backup codes and API keys are stored as hashes only.
ALTER TABLE users ADD COLUMN password_hash TEXT NULL;

CREATE TABLE user_totp (
    user_id          TEXT    NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    protected_secret TEXT    NOT NULL,
    algorithm        INTEGER NOT NULL,
    digits           INTEGER NOT NULL,
    period_seconds   INTEGER NOT NULL,
    is_confirmed     INTEGER NOT NULL,
    last_used_step   INTEGER NOT NULL
);

CREATE TABLE user_backup_codes (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE api_keys (
    key_id     TEXT    NOT NULL PRIMARY KEY,
    key_hash   BLOB    NOT NULL,
    owner_id   TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes     TEXT    NOT NULL,
    name       TEXT    NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NULL,
    revoked_at INTEGER NULL
);
CREATE INDEX ix_api_keys_owner ON api_keys (owner_id, created_at);
