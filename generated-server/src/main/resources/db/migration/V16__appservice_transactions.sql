-- Application service transactions (PUT /_matrix/app/v1/transactions/{txnId}).

-- How far the room stream has been looked at for the services' interest: events up to this position are in the
-- queues of the services they interest (one row, name 'interest').
CREATE TABLE appservice_stream (
    name     TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);

-- Each service's queue: the events it is interested in, in stream order (stream_pos is the event's position, or for a
-- membership kept outside a room's timeline, the membership's). Rows leave once a transaction carrying them was
-- answered with a success.
CREATE TABLE appservice_queue (
    service_id TEXT NOT NULL,
    stream_pos BIGINT NOT NULL,
    event_id   TEXT NOT NULL,
    PRIMARY KEY (service_id, stream_pos)
);

-- Each service's sending state: the stream position from which it gets events (when it was first configured), the
-- next transaction number, and the transaction being sent: its ID, its body and the last queue position it carries.
-- A transaction being sent is sent again unchanged (same ID, same events) until it is answered, across restarts.
CREATE TABLE appservice_states (
    service_id    TEXT PRIMARY KEY,
    since_pos     BIGINT NOT NULL,
    next_txn      BIGINT NOT NULL,
    pending_txn   TEXT,
    pending_body  TEXT,
    pending_up_to BIGINT
);

-- Memberships kept outside a room's timeline (invites of local users to rooms this server does not hold) are found
-- by their stream position.
CREATE INDEX memberships_by_pos ON memberships (stream_pos);
