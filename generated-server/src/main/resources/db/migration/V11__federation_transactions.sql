-- Federation transactions, both ways.

-- Transactions received: the answer given to each (origin, transaction ID), so that a transaction sent
-- again is answered the same without being processed again.
CREATE TABLE federation_received_txns (
    origin      TEXT NOT NULL,
    txn_id      TEXT NOT NULL,
    response    TEXT NOT NULL,
    received_ts BIGINT NOT NULL,
    PRIMARY KEY (origin, txn_id)
);

-- What waits to be sent to each destination, in order of seq: 'pdu' (an event of this server) or 'edu'
-- (typing, receipts of local users), the JSON as it goes into a transaction. Rows leave once a transaction
-- carrying them was answered 200.
CREATE TABLE federation_outbox (
    destination TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    json        TEXT NOT NULL,
    PRIMARY KEY (destination, seq)
);

-- Each destination's sending state: the next transaction number, the transaction being sent (its ID, its body
-- and the last outbox seq it carries: sent again unchanged until it is answered), and the backoff after failures.
CREATE TABLE federation_destinations (
    destination   TEXT PRIMARY KEY,
    next_txn      BIGINT NOT NULL,
    pending_txn   TEXT,
    pending_body  TEXT,
    pending_up_to BIGINT,
    failures      INTEGER NOT NULL,
    retry_at      BIGINT NOT NULL
);
