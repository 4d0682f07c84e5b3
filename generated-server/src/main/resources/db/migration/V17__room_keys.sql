-- Server-side key backups. Each user's backup versions, numbered 1, 2, ... per user: a deleted version is kept,
-- marked deleted, so that its number is never given again; the etag counts the changes of its keys.
CREATE TABLE room_keys_versions (
    user_id    TEXT NOT NULL,
    version    BIGINT NOT NULL,
    algorithm  TEXT NOT NULL,
    auth_data  TEXT NOT NULL,
    etag       BIGINT NOT NULL,
    deleted    INTEGER NOT NULL,
    PRIMARY KEY (user_id, version)
);

-- The room keys of each backup version, one per room and megolm session: the fields the spec's replacement rule
-- compares, and the key as uploaded (KeyBackupData, with session_data and any further fields).
CREATE TABLE room_keys (
    user_id             TEXT NOT NULL,
    version             BIGINT NOT NULL,
    room_id             TEXT NOT NULL,
    session_id          TEXT NOT NULL,
    first_message_index BIGINT NOT NULL,
    forwarded_count     BIGINT NOT NULL,
    is_verified         INTEGER NOT NULL,
    key_data            TEXT NOT NULL,
    PRIMARY KEY (user_id, version, room_id, session_id)
);
