package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.services.RoomService.Draft;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The rooms guests of this server may be in, as the spec's guest access module says ("Server behaviour"): a guest
 * joins only a room whose {@code m.room.guest_access} is {@code can_join}, and the guests joined to a room leave it
 * when its guest access stops being {@code can_join}, closed here or by another server. Whether an account is a
 * guest is this server's own knowledge, never sent to other servers.
 */
public final class GuestRooms {

    private static final Logger LOG = Logger.getLogger(GuestRooms.class.getName());

    private final RoomService rooms;
    private final Predicate<String> isGuest;

    public GuestRooms(RoomService rooms, Predicate<String> isGuest) {
        this.rooms = rooms;
        this.isGuest = isGuest;
    }

    /** Whether the content of an {@code m.room.guest_access} event lets guests join. */
    public static boolean canJoin(JsonNode guestAccessContent) {
        return guestAccessContent.path("guest_access").asText().equals("can_join");
    }

    /** Whether the local user is a guest. */
    public boolean isGuest(String userId) {
        return isGuest.test(userId);
    }

    /** Whether the current state of a room this server holds lets guests join. */
    private boolean guestsMayJoin(String roomId) {
        return rooms.holds(roomId) && rooms.stateEvent(roomId, "m.room.guest_access", "")
                .map(e -> canJoin(ClientEvents.parse(e.json()).path("content"))).orElse(false);
    }

    /** Refuses, 403 {@code M_FORBIDDEN}, the join of a guest to a room of this server whose guest access is not {@code can_join}. */
    void checkJoin(String userId, String roomId) {
        if (isGuest(userId) && !guestsMayJoin(roomId)) {
            throw refusal();
        }
    }

    /** The answer to a guest's join of a room whose guest access is not {@code can_join}: 403 {@code M_FORBIDDEN}. */
    public static MatrixException refusal() {
        return new MatrixException(403, ErrorCodes.M_FORBIDDEN, "guests may join only rooms whose m.room.guest_access is can_join");
    }

    /**
     * Whether the local user may be in a room of another server whose state (PDUs, as a {@code send_join} answers it)
     * is {@code state}: any user who is not a guest; a guest when its {@code m.room.guest_access} is {@code can_join}.
     */
    public boolean mayJoinWith(String userId, List<ObjectNode> state) {
        return !isGuest(userId) || openToGuests(state);
    }

    /**
     * Whether a room's state (PDUs) lets guests join: its {@code m.room.guest_access} (state key {@code ""}) is
     * {@code can_join}; a state that has none, or several that disagree, does not.
     */
    public static boolean openToGuests(List<ObjectNode> state) {
        List<ObjectNode> guestAccess = state.stream()
                .filter(e -> e.path("type").asText().equals("m.room.guest_access") && e.path("state_key").asText("-").isEmpty()).toList();
        return !guestAccess.isEmpty() && guestAccess.stream().allMatch(e -> canJoin(e.path("content")));
    }

    /** After a local event: when it closed the room's guest access, the local guests joined to the room leave. */
    void sent(String roomId, Draft draft) {
        if (draft.type().equals("m.room.guest_access") && draft.stateKey().equals(Optional.of("")) && !canJoin(draft.content())) {
            leaveGuests(roomId);
        }
    }

    /**
     * After an {@code m.room.guest_access} of another server: when the room's current guest access is no longer
     * {@code can_join}, the local guests joined to it leave (outside the room's lock).
     */
    void changedElsewhere(String roomId) {
        if (rooms.holds(roomId) && !guestsMayJoin(roomId)) {
            leaveGuests(roomId);
        }
    }

    /** The local guests joined to the room leave it (each its own leave, as Synapse does). */
    private void leaveGuests(String roomId) {
        for (Membership m : rooms.members(roomId)) {
            if (m.membership().equals("join") && isGuest(m.userId())) {
                try {
                    rooms.send(m.userId(), Optional.empty(), roomId, Draft.state("m.room.member", m.userId(), rooms.memberContent(m.userId(), "leave")),
                            Optional.empty());
                } catch (MatrixException e) {
                    LOG.warning("a guest could not leave " + roomId + ": " + e.getMessage());
                }
            }
        }
    }
}
