package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.rooms.PduView;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.StateGroups;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.RoomStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether another server may see an event of a room: the history visibility rules of the spec applied to the
 * server's users, with the room's state before the event (read from its state group).
 *
 * <ol>
 *   <li>{@code world_readable} at the event: yes;</li>
 *   <li>one of the server's users joined at the event, or the event is one of its users' membership: yes;</li>
 *   <li>one of its users invited and the visibility {@code invited}: yes;</li>
 *   <li>{@code shared} (also when unset or not understood) and one of its users joined now, so after the event: yes;</li>
 *   <li>otherwise no.</li>
 * </ol>
 * An {@code m.room.history_visibility} event is visible when the visibility before or after it lets the server see
 * it. An outlier has no state: it is visible to a server with a user joined now. Rejected events are never visible.
 */
public final class ServerVisibility {

    private final RoomStore events;
    private final StateGroups groups;
    private final RoomService rooms;

    public ServerVisibility(RoomStore events, StateGroups groups, RoomService rooms) {
        this.events = events;
        this.groups = groups;
        this.rooms = rooms;
    }

    /** Whether one of {@code server}'s users is joined to the room now. */
    public boolean inRoomNow(String roomId, String server) {
        return rooms.members(roomId).stream().anyMatch(m -> m.membership().equals("join") && serverOf(m.userId()).equals(server));
    }

    /** Whether {@code server} may see the event of {@code row}. */
    public boolean maySee(String server, GraphRow row) {
        if (row.status().filter(s -> s == EventStatus.REJECTED).isPresent()) {
            return false;
        }
        if (row.stateBefore().isEmpty()) {
            return inRoomNow(row.roomId(), server);
        }
        PduView event = new PduView((ObjectNode) ClientEvents.parse(row.json()));
        if (event.type().equals("m.room.member") && event.stateKey().map(ServerVisibility::serverOf).filter(server::equals).isPresent()) {
            return true;
        }
        Map<StateKey, String> state = groups.state(row.stateBefore().get());
        String visibility = Optional.ofNullable(state.get(new StateKey("m.room.history_visibility", ""))).flatMap(events::event)
                .map(e -> ClientEvents.parse(e.json()).path("content").path("history_visibility").asText("shared")).orElse("shared");
        if (allows(visibility, server, row.roomId(), state)) {
            return true;
        }
        return event.type().equals("m.room.history_visibility") && event.stateKey().filter(String::isEmpty).isPresent()
                && allows(event.content().path("history_visibility").asText("shared"), server, row.roomId(), state);
    }

    private boolean allows(String visibility, String server, String roomId, Map<StateKey, String> state) {
        if (visibility.equals("world_readable")) {
            return true;
        }
        List<String> memberIds = state.entrySet().stream()
                .filter(e -> e.getKey().type().equals("m.room.member") && serverOf(e.getKey().stateKey()).equals(server))
                .map(Map.Entry::getValue).toList();
        for (StoredEvent member : events.events(memberIds)) {
            String membership = ClientEvents.parse(member.json()).path("content").path("membership").asText();
            if (membership.equals("join") || membership.equals("invite") && visibility.equals("invited")) {
                return true;
            }
        }
        boolean known = visibility.equals("invited") || visibility.equals("joined");
        return !known && inRoomNow(roomId, server);
    }

    /** The server part of a user ID ({@code @local:server}), empty when there is none. */
    static String serverOf(String userId) {
        int colon = userId.indexOf(':');
        return colon < 0 ? "" : userId.substring(colon + 1);
    }
}
