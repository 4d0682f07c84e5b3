-- Relations between events (m.relates_to): one row per child event, found by its parent
-- (aggregations, /relations) or by room (the thread list). A redacted child loses its row.
CREATE TABLE event_relations (
    event_id        TEXT PRIMARY KEY,
    relates_to      TEXT NOT NULL,
    rel_type        TEXT NOT NULL,
    room_id         TEXT NOT NULL,
    sender          TEXT NOT NULL,
    type            TEXT NOT NULL,
    aggregation_key TEXT,
    stream_pos      BIGINT NOT NULL
);
CREATE INDEX relations_by_parent ON event_relations (relates_to, rel_type, stream_pos);
CREATE INDEX relations_by_room ON event_relations (room_id, rel_type, stream_pos);
