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
     * Persists an event and, in the same transaction, its transaction ID and the current state and
     * membership it sets. False, storing nothing, when the sender's device used the transaction ID
     * before ({@link #txnEvent} has that event).
     */
    boolean persistEvent(StoredEvent event, Optional<Membership> membership);

    /** {@link #persistEvent(StoredEvent, Optional)}, with the event's relation to its parent in the same transaction. */
    boolean persistEvent(StoredEvent event, Optional<Membership> membership, Optional<Relation> relation);

    /**
     * {@link #persistEvent(StoredEvent, Optional, Optional)}, with the push actions of the members the
     * event notifies and the read marks it moves (its sender's) in the same transaction.
     */
    boolean persistEvent(StoredEvent event, Optional<Membership> membership, Optional<Relation> relation, List<Records.PushAction> actions,
            List<NotificationStore.ReadMark> reads);

    Optional<StoredEvent> event(String eventId);

    /** Events of a room between stream positions (exclusive, inclusive), newest first when {@code backwards}. */
    List<StoredEvent> roomEvents(String roomId, long after, long upTo, int limit, boolean backwards);

    /** The current state of a room: (type, state_key) to event ID. */
    Map<List<String>, String> currentState(String roomId);

    /** The state of a room as it was at a stream position (after the event there): (type, state_key) to event ID. */
    Map<List<String>, String> stateAt(String roomId, long position);

    /** Every state event of the given types a room ever had, in stream order (history visibility and memberships over time). */
    List<StoredEvent> stateEventsOfTypes(String roomId, List<String> types);

    List<StoredEvent> events(List<String> eventIds);

    /** Replaces an event's JSON by its redacted form and removes its relation to a parent and its notifications. */
    void markRedacted(String eventId, String redactedBy, String redactedJson);

    List<Membership> membershipsOfUser(String userId);

    List<Membership> membersOfRoom(String roomId);

    Optional<String> txnEvent(String userId, String deviceId, String txnId);

    void saveTxn(String userId, String deviceId, String txnId, String eventId);
}
