package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.Relation;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Rooms and their events: the event stream, current state and state over time, memberships, transaction IDs. */
public interface RoomStore {

    void createRoom(Room room);

    Optional<Room> room(String roomId);

    List<Room> publishedRooms();

    void setPublished(String roomId, boolean published);

    /**
     * Persists an event and, in the same transaction, its transaction ID, its place in the room graph (edges,
     * status, state groups, extremities), the changes of the room's current state and memberships it causes,
     * its relation to a parent, the push actions of the members it notifies, the read marks it moves and its text in the
     * search index ({@link SearchStore}).
     * False, storing nothing, when the sender's device used the transaction ID before ({@link #txnEvent} has
     * that event).
     */
    boolean persistEvent(StoredEvent event, Records.GraphWrite graph, Optional<Relation> relation, List<Records.PushAction> actions,
            List<NotificationStore.ReadMark> reads);

    Optional<StoredEvent> event(String eventId);

    /**
     * Timeline events of a room between stream positions (exclusive, inclusive), newest first when {@code backwards};
     * below position 0, the backfilled events of its history (never the events kept outside the timeline).
     */
    List<StoredEvent> roomEvents(String roomId, long after, long upTo, int limit, boolean backwards);

    /**
     * Timeline events of a room nearest a time: from {@code ts} on, oldest first when {@code forward}, else up to
     * {@code ts}, newest first (by {@code origin_server_ts}, then stream position).
     */
    List<StoredEvent> eventsNearTime(String roomId, long ts, boolean forward, int limit);

    /** The current state of a room: (type, state_key) to event ID (kept by {@link #persistEvent} from the room graph). */
    Map<List<String>, String> currentState(String roomId);

    /** The event of one key of a room's current state. */
    Optional<String> currentStateEvent(String roomId, String type, String stateKey);

    /** Every state event of the given types in a room's timeline, in stream order (history visibility and memberships over time). */
    List<StoredEvent> stateEventsOfTypes(String roomId, List<String> types);

    List<StoredEvent> events(List<String> eventIds);

    /** Replaces an event's JSON by its redacted form and removes its relation to a parent, its notifications and its search entry. */
    void markRedacted(String eventId, String redactedBy, String redactedJson);

    List<Membership> membershipsOfUser(String userId);

    List<Membership> membersOfRoom(String roomId);

    Optional<String> txnEvent(String userId, String deviceId, String txnId);

    void saveTxn(String userId, String deviceId, String txnId, String eventId);
}
