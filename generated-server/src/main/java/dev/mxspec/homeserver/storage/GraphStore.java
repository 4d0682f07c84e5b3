package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.homeserver.storage.Records.StateGroup;
import java.util.List;
import java.util.Optional;

/**
 * The room graph: each event's edges, status and state groups, the state groups themselves, and each room's
 * forward and backward extremities. Events are written with their graph data by {@link RoomStore#persistEvent}.
 */
public interface GraphStore {

    /**
     * The row of {@code forward_extremities} that stands for the room's latest timeline event: a room whose events
     * form a line keeps this one row, so that a new event following it writes nothing there.
     */
    String LATEST = "latest";

    Optional<GraphRow> graphRow(String eventId);

    /** The graph rows of the events among {@code eventIds} that are stored, in no particular order. */
    List<GraphRow> graphRows(List<String> eventIds);

    /** The events of a room that no accepted event follows ({@link #LATEST} resolved), in no particular order. */
    List<String> forwardExtremities(String roomId);

    /** The room's latest timeline event. */
    Optional<String> latestTimelineEvent(String roomId);

    /** Whether a stored event of the room names {@code eventId} as a prev event this server lacked. */
    boolean backwardExtremity(String roomId, String eventId);

    /** The room's backward extremities: prev events its stored events name that this server does not hold, by event ID. */
    List<String> backwardExtremities(String roomId);

    /**
     * Stores an event taken in through backfill: in the room's history below every event held (its stream position is
     * negative, from the positions of events outside the timeline, lower than every backfilled event before it), with
     * its graph data, its state groups and the backward extremities it changes; an outlier row of the same event is
     * replaced. It changes neither the forward extremities nor the current state.
     */
    void storeBackfilled(Records.StoredEvent event, Records.GraphWrite graph);

    /** The state groups among {@code groupIds}, in no particular order. */
    List<StateGroup> stateGroups(List<Long> groupIds);

    /** Stores state groups made without an event (a resolved state). */
    void saveStateGroups(List<StateGroup> groups);

    /** The highest state group ID given so far, 0 when none. */
    long maxStateGroup();

    /** The lowest stream position of a stored event, 0 when none is negative (events outside the timeline have negative ones). */
    long minStreamPos();

    /**
     * The state group after the room's latest timeline event (or backfilled event, whose positions are negative) at or
     * before a stream position; before its first one, the state group before that event.
     */
    Optional<Long> stateGroupAt(String roomId, long position);

    /**
     * The auth chain of events: every event reachable through auth events from theirs, rejected ones left out (and
     * not walked through), oldest first (by depth, then event ID).
     */
    default List<GraphRow> authChain(java.util.Collection<GraphRow> of) {
        java.util.Map<String, GraphRow> chain = new java.util.HashMap<>();
        List<String> next = of.stream().flatMap(r -> r.authEvents().stream()).distinct().toList();
        while (!next.isEmpty()) {
            List<String> ask = new java.util.ArrayList<>();
            for (GraphRow r : graphRows(next)) {
                if (chain.putIfAbsent(r.eventId(), r) == null && !rejected(r)) {
                    r.authEvents().stream().filter(a -> !chain.containsKey(a)).forEach(ask::add);
                }
            }
            next = ask.stream().distinct().toList();
        }
        return chain.values().stream().filter(r -> !rejected(r))
                .sorted(java.util.Comparator.comparingLong(GraphRow::depth).thenComparing(GraphRow::eventId)).toList();
    }

    private static boolean rejected(GraphRow r) {
        return r.status().equals(Optional.of(Records.EventStatus.REJECTED));
    }
}
