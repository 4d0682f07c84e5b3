-- OpenID tokens handed to a user for a third party, which asks this server who holds one
-- (/_matrix/federation/v1/openid/userinfo) until it expires.
CREATE TABLE openid_tokens (
    token       TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    expires_ts  BIGINT NOT NULL
);
CREATE INDEX openid_tokens_by_expiry ON openid_tokens (expires_ts);

-- When a signing key of this server stopped being used (a newer key was made current), published
-- under old_verify_keys with that time as expired_ts; null for the key in use.
ALTER TABLE server_keys ADD COLUMN expired_ts BIGINT;

-- The event of a room nearest a time (timestamp_to_event).
CREATE INDEX events_by_room_time ON events (room_id, origin_server_ts);
