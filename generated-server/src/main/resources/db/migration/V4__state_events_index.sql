-- State of a room over time (history visibility, memberships at an event, state at a user's leave):
-- state events found by room, type and key in stream order.
CREATE INDEX events_state_by_room ON events (room_id, type, state_key, stream_pos);
