-- Rooms as graphs. Each event keeps its edges (prev_events, auth_events: JSON arrays of event IDs), its
-- status (NULL: accepted, in the timeline; 'outlier', 'rejected' or 'soft_failed': kept for the graph, never
-- served as timeline; such events have negative stream positions, outside every client's range) and the state
-- groups of the room state before and after it. V9 fills these in for the events a database already holds.
ALTER TABLE events ADD COLUMN prev_events TEXT;
ALTER TABLE events ADD COLUMN auth_events TEXT;
ALTER TABLE events ADD COLUMN status TEXT;
ALTER TABLE events ADD COLUMN state_before BIGINT;
ALTER TABLE events ADD COLUMN state_after BIGINT;

-- A state group is one room state. It is stored as a delta against another group, its base: the ancestor
-- at level (level - lowest set bit of level) on its chain of parents (a group derived from its parent has the
-- parent's level + 1). Reading a group applies at most log2(level) deltas; a chain of n groups that each change
-- one key holds about n/2 * log2(n) delta rows. A group without a base holds its whole state.
CREATE TABLE state_groups (
    group_id BIGINT PRIMARY KEY,
    room_id  TEXT NOT NULL,
    parent   BIGINT,
    base     BIGINT,
    level    BIGINT NOT NULL
);

-- The delta of a group against its base; event_id NULL: the key is not in the group's state.
CREATE TABLE state_group_deltas (
    group_id  BIGINT NOT NULL,
    type      TEXT NOT NULL,
    state_key TEXT NOT NULL,
    event_id  TEXT,
    PRIMARY KEY (group_id, type, state_key)
);

-- The events of a room that no accepted event refers to as a prev event: what a new event follows. The row
-- 'latest' stands for the room's latest timeline event, so that an event following a line writes nothing here.
CREATE TABLE forward_extremities (
    room_id  TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (room_id, event_id)
);

-- Prev events that stored events refer to but this server does not hold (yet).
CREATE TABLE backward_extremities (
    room_id  TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (room_id, event_id)
);
