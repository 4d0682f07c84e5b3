-- End-to-end encryption across servers.

-- What this server last told other servers about each device of its users (m.device_list_update EDUs): the
-- device's entry as announced (keys and display name, JSON), whether it was announced deleted, and the stream_id
-- of that announcement. A user's latest stream_id is the highest of its rows, the one the next EDU names as prev_id.
CREATE TABLE device_list_outbound (
    user_id   TEXT NOT NULL,
    device_id TEXT NOT NULL,
    stream_id BIGINT NOT NULL,
    deleted   INTEGER NOT NULL,
    json      TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- Other servers' users' device lists, cached while a local user shares a room with them (the answer of their
-- server's /user/devices: each device's keys and display name), with the stream_id it is at; dropped when a
-- device list update cannot be applied to it (an update was missed), fetched again when next asked for.
CREATE TABLE remote_device_lists (
    user_id   TEXT PRIMARY KEY,
    stream_id BIGINT NOT NULL,
    devices   TEXT NOT NULL
);

-- The to-device messages received from other servers, by their message_id, so that one sent again is delivered once.
CREATE TABLE federation_received_to_device (
    origin      TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    received_ts BIGINT NOT NULL,
    PRIMARY KEY (origin, message_id)
);
