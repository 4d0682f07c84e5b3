-- The latest stream position at which each user's device list changed (a device added, renamed
-- or removed), for device_lists.changed in /sync and /keys/changes.
CREATE TABLE device_list_changes (
    user_id    TEXT PRIMARY KEY,
    stream_pos BIGINT NOT NULL
);
