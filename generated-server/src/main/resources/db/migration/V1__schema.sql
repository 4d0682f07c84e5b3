-- Every table of the homeserver, in one place. Portable SQL: the same script runs on SQLite and PostgreSQL.
-- Positions in the event and account streams are assigned by the server (StreamCounter), not by the database.

CREATE TABLE server_keys (
    key_id      TEXT PRIMARY KEY,
    seed        TEXT NOT NULL,
    created_ts  BIGINT NOT NULL
);

CREATE TABLE users (
    user_id       TEXT PRIMARY KEY,
    password_hash TEXT,
    admin         INTEGER NOT NULL DEFAULT 0,
    deactivated   INTEGER NOT NULL DEFAULT 0,
    displayname   TEXT,
    avatar_url    TEXT,
    created_ts    BIGINT NOT NULL
);

CREATE TABLE devices (
    user_id      TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    display_name TEXT,
    last_seen_ts BIGINT,
    last_seen_ip TEXT,
    PRIMARY KEY (user_id, device_id)
);

-- Tokens are stored as SHA-256 hashes, never as given to clients.
CREATE TABLE access_tokens (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    expires_ts   BIGINT,
    refresh_hash TEXT
);
CREATE INDEX access_tokens_by_device ON access_tokens (user_id, device_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL
);

CREATE TABLE login_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    expires_ts BIGINT NOT NULL
);

CREATE TABLE rooms (
    room_id      TEXT PRIMARY KEY,
    room_version TEXT NOT NULL,
    creator      TEXT NOT NULL,
    published    INTEGER NOT NULL DEFAULT 0,
    created_ts   BIGINT NOT NULL
);

CREATE TABLE events (
    stream_pos      BIGINT PRIMARY KEY,
    event_id        TEXT NOT NULL UNIQUE,
    room_id         TEXT NOT NULL,
    type            TEXT NOT NULL,
    state_key       TEXT,
    sender          TEXT NOT NULL,
    origin_server_ts BIGINT NOT NULL,
    depth           BIGINT NOT NULL,
    json            TEXT NOT NULL,
    redacted_by     TEXT,
    txn_device      TEXT,
    txn_id          TEXT
);
CREATE INDEX events_by_room ON events (room_id, stream_pos);

CREATE TABLE event_txns (
    user_id   TEXT NOT NULL,
    device_id TEXT NOT NULL,
    txn_id    TEXT NOT NULL,
    event_id  TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
);

CREATE TABLE current_state (
    room_id   TEXT NOT NULL,
    type      TEXT NOT NULL,
    state_key TEXT NOT NULL,
    event_id  TEXT NOT NULL,
    PRIMARY KEY (room_id, type, state_key)
);

CREATE TABLE memberships (
    room_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    membership TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    stream_pos BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id, membership);

CREATE TABLE room_aliases (
    alias   TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    creator TEXT NOT NULL
);

CREATE TABLE account_data (
    user_id    TEXT NOT NULL,
    room_id    TEXT NOT NULL,
    type       TEXT NOT NULL,
    content    TEXT NOT NULL,
    stream_pos BIGINT NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
);

CREATE TABLE receipts (
    room_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    receipt_type TEXT NOT NULL,
    thread_id    TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    ts           BIGINT NOT NULL,
    stream_pos   BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
);

CREATE TABLE filters (
    user_id   TEXT NOT NULL,
    filter_id TEXT NOT NULL,
    json      TEXT NOT NULL,
    PRIMARY KEY (user_id, filter_id)
);

CREATE TABLE to_device (
    stream_pos BIGINT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    sender     TEXT NOT NULL,
    type       TEXT NOT NULL,
    content    TEXT NOT NULL
);
CREATE INDEX to_device_by_device ON to_device (user_id, device_id, stream_pos);

CREATE TABLE presence (
    user_id        TEXT PRIMARY KEY,
    presence       TEXT NOT NULL,
    status_msg     TEXT,
    last_active_ts BIGINT NOT NULL,
    stream_pos     BIGINT NOT NULL
);
