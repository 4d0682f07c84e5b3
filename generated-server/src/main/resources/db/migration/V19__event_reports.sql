-- Events users reported as inappropriate (POST /rooms/{roomId}/report/{eventId}), for the server's operators.
CREATE TABLE event_reports (
    report_id   BIGINT PRIMARY KEY,
    room_id     TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    reporter    TEXT NOT NULL,
    reason      TEXT,
    score       BIGINT,
    received_ts BIGINT NOT NULL
);
CREATE INDEX event_reports_by_time ON event_reports (received_ts);
