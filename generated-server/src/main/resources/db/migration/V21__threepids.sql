-- Third-party identifiers (email addresses) of accounts, the sessions that validate them, and the identity servers
-- each is bound through.
CREATE TABLE threepid_validation_sessions (
    session_id    TEXT PRIMARY KEY,
    client_secret TEXT NOT NULL,
    medium        TEXT NOT NULL,
    address       TEXT NOT NULL,
    token         TEXT NOT NULL,
    send_attempt  BIGINT NOT NULL,
    created_ms    BIGINT NOT NULL,
    expires_ms    BIGINT NOT NULL,
    validated_ms  BIGINT
);
CREATE INDEX threepid_validation_sessions_by_secret ON threepid_validation_sessions (client_secret, medium, address);

CREATE TABLE user_threepids (
    medium       TEXT NOT NULL,
    address      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    validated_ms BIGINT NOT NULL,
    added_ms     BIGINT NOT NULL,
    PRIMARY KEY (medium, address)
);
CREATE INDEX user_threepids_by_user ON user_threepids (user_id);

CREATE TABLE user_threepid_id_servers (
    user_id   TEXT NOT NULL,
    medium    TEXT NOT NULL,
    address   TEXT NOT NULL,
    id_server TEXT NOT NULL,
    PRIMARY KEY (user_id, medium, address, id_server)
);
