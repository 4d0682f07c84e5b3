package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.Relation;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.ThreadRoot;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Relations between events: children by parent (aggregations, {@code /relations}), threads by room.
 * Rows are written with their event ({@link RoomStore#persistEvent}) and removed when the child is
 * redacted ({@link RoomStore#markRedacted}).
 */
public interface RelationStore {

    /** The relation an event has to its parent, if it has one (and was not redacted). */
    Optional<Relation> relationOf(String eventId);

    /** The relations of every child of the given parents, in stream order. */
    List<Relation> relationsTo(List<String> parentIds);

    /**
     * Children of a parent between stream positions (exclusive, inclusive), newest first when
     * {@code backwards}, optionally of one relation type and event type.
     */
    List<StoredEvent> children(String parentId, Optional<String> relType, Optional<String> eventType, long after, long upTo, int limit,
            boolean backwards);

    /**
     * Threads of a room whose latest event is before {@code before}, most recently active first;
     * with {@code participant}, only those he started or replied in.
     */
    List<ThreadRoot> threads(String roomId, Optional<String> participant, long before, int limit);

    /** Whether a user already annotated a parent with this key and event type. */
    boolean hasAnnotation(String parentId, String sender, String type, String key);

    /** The events of a room that have children. */
    Set<String> parentsIn(String roomId);
}
