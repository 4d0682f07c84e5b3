-- Other servers' signing keys, as each published them at /_matrix/key/v2/server (the whole signed
-- response, so that this server can serve it again as a notary), with when it was fetched.
CREATE TABLE remote_server_keys (
    server_name     TEXT PRIMARY KEY,
    key_json        TEXT NOT NULL,
    valid_until_ts  BIGINT NOT NULL,
    fetched_ts      BIGINT NOT NULL
);
