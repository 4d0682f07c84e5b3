package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of a room at a stream position, as a sync needs it at the start of a timeline: the
 * current state when none of it was written after the position (the common case, no read), else
 * the state storage keeps for the position ({@link RoomService#stateEventsAt}). One member's event
 * at a position follows {@code unsigned.replaces_state} back from the current one instead (a read
 * per step, usually none); a redacted member event lost its {@code unsigned}, and the key is then
 * taken as unset before it.
 */
final class RoomStates {

    private final RoomService rooms;

    RoomStates(RoomService rooms) {
        this.rooms = rooms;
    }

    /** The state at {@code position}: (type, state key) to event. */
    Map<List<String>, StoredEvent> at(String roomId, long position) {
        return at(rooms.stateEvents(roomId), position);
    }

    /** The state at {@code position} from the current state's events. */
    Map<List<String>, StoredEvent> at(List<StoredEvent> currentState, long position) {
        List<StoredEvent> events = currentState.stream().anyMatch(e -> e.streamPos() > position)
                ? rooms.stateEventsAt(currentState.getFirst().roomId(), position) : currentState;
        Map<List<String>, StoredEvent> state = new LinkedHashMap<>();
        events.forEach(e -> state.put(List.of(e.type(), e.stateKey().orElse("")), e));
        return state;
    }

    /** The event ID of a user's member event at {@code position}, read from memory unless it changed after. */
    Optional<String> memberEventIdAt(String roomId, String userId, long position) {
        Optional<Membership> current = rooms.members(roomId).stream().filter(m -> m.userId().equals(userId)).findFirst();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        if (current.get().streamPos() <= position) {
            return Optional.of(current.get().eventId());
        }
        return rooms.event(current.get().eventId()).flatMap(e -> before(e, position)).map(StoredEvent::eventId);
    }

    /** {@code event}, or the earlier event of its key that was in the state at {@code position}. */
    Optional<StoredEvent> before(StoredEvent event, long position) {
        Optional<StoredEvent> e = Optional.of(event);
        while (e.isPresent() && e.get().streamPos() > position) {
            e = replaced(e.get());
        }
        return e;
    }

    /** The state event {@code event} replaced, if any is known. */
    Optional<StoredEvent> replaced(StoredEvent event) {
        JsonNode id = ClientEvents.parse(event.json()).path("unsigned").get("replaces_state");
        return id != null && id.isTextual() ? rooms.event(id.asText()) : Optional.empty();
    }

    /** The membership of a member event's content. */
    static String membership(StoredEvent memberEvent) {
        return ClientEvents.parse(memberEvent.json()).path("content").path("membership").asText();
    }
}
