-- Notifications: what the push rules of the members made of each new event, how far each member
-- has read (per room and thread), and the pushers that deliver notifications to push gateways.

-- One row per event and set of actions: recipients lists the members those actions notified, each
-- user ID between newlines ("\n@a:x\n@b:x\n"; user IDs hold no whitespace). Kept per event rather
-- than per member, an event in a room of 200 members adds one row, not 199 rows on 199 pages of
-- per-user indexes. thread_id is the thread root's event ID, or 'main' for the main timeline
-- (thread roots included); actions is the JSON list of the matching rule's actions.
CREATE TABLE event_notifications (
    event_id   TEXT NOT NULL,
    room_id    TEXT NOT NULL,
    stream_pos BIGINT NOT NULL,
    thread_id  TEXT NOT NULL,
    highlight  INTEGER NOT NULL,
    actions    TEXT NOT NULL,
    recipients TEXT NOT NULL,
    ts         BIGINT NOT NULL
);
CREATE INDEX notifications_by_room ON event_notifications (room_id, stream_pos);

-- How far a member has read a room: thread_id '' for unthreaded receipts (the whole room), 'main'
-- or a thread root for threaded ones; stream_pos is the position of the event read up to. Moved
-- forward by m.read and m.read.private receipts and by the member's own events, never back.
CREATE TABLE read_marks (
    user_id    TEXT NOT NULL,
    room_id    TEXT NOT NULL,
    thread_id  TEXT NOT NULL,
    stream_pos BIGINT NOT NULL,
    PRIMARY KEY (user_id, room_id, thread_id)
);

-- A pusher (kind 'http'): data is the JSON of its data object. last_stream_pos is the last
-- notification delivered (or given up on); failing_since the first failure of the current run of
-- failures, NULL when the gateway answered the last request.
CREATE TABLE pushers (
    user_id             TEXT NOT NULL,
    app_id              TEXT NOT NULL,
    pushkey             TEXT NOT NULL,
    kind                TEXT NOT NULL,
    app_display_name    TEXT NOT NULL,
    device_display_name TEXT NOT NULL,
    profile_tag         TEXT,
    lang                TEXT NOT NULL,
    data                TEXT NOT NULL,
    device_id           TEXT,
    pushkey_ts          BIGINT NOT NULL,
    last_stream_pos     BIGINT NOT NULL,
    failing_since       BIGINT,
    PRIMARY KEY (app_id, pushkey, user_id)
);
CREATE INDEX pushers_by_user ON pushers (user_id);
