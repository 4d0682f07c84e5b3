package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.rooms.PowerLevels;
import dev.mxspec.homeserver.rooms.RoomFeature;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The resident server's part in a restricted join of another server's user (server-server API, "Restricted rooms"):
 * the conditions of the room's {@code m.room.join_rules} {@code allow} list checked against the rooms this server
 * holds, and a local member who may invite chosen to vouch for the join as {@code join_authorised_via_users_server}.
 * Refused as the spec says: {@code M_FORBIDDEN} (403) when the user meets no condition this server can check and
 * none is left unchecked, {@code M_UNABLE_TO_AUTHORISE_JOIN} (400) when the conditions name only rooms this server
 * does not hold, {@code M_UNABLE_TO_GRANT_JOIN} (400) when the user meets one but no local member may invite.
 */
final class RestrictedJoins {

    static final String UNABLE_TO_AUTHORISE = "M_UNABLE_TO_AUTHORISE_JOIN";
    static final String UNABLE_TO_GRANT = "M_UNABLE_TO_GRANT_JOIN";

    private RestrictedJoins() {}

    /**
     * The local member to name as the join's authoriser; empty when the room is not restricted in its version, or
     * the user is invited or joined already (the join needs no authoriser then).
     *
     * @param state      the room's state the join is made against, (type, state_key) to event
     * @param levels     the power levels of that state
     * @param heldRoom   whether this server holds a room's state
     * @param membership a user's membership of a room held here ({@code "leave"} when none)
     * @param local      whether a user ID is of this server
     */
    static Optional<String> authoriser(Map<List<String>, ObjectNode> state, PowerLevels levels, RoomVersion version, String userId,
            Predicate<String> heldRoom, BiFunction<String, String, String> membership, Predicate<String> local) {
        JsonNode rules = Optional.ofNullable(state.get(List.of("m.room.join_rules", ""))).map(e -> e.path("content"))
                .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        String rule = rules.path("join_rule").asText();
        boolean restricted = (rule.equals("restricted") && version.has(RoomFeature.RESTRICTED_JOINS))
                || (rule.equals("knock_restricted") && version.has(RoomFeature.KNOCK_RESTRICTED));
        String current = Optional.ofNullable(state.get(List.of("m.room.member", userId)))
                .map(e -> e.path("content").path("membership").asText()).orElse("leave");
        if (!restricted || current.equals("invite") || current.equals("join")) {
            return Optional.empty();
        }
        boolean met = false;
        boolean unchecked = false;
        for (JsonNode condition : rules.path("allow")) {
            if (!condition.path("type").asText().equals("m.room_membership") || !condition.path("room_id").isTextual()) {
                continue; // a condition of a type not known, or not of its schema, is failed
            }
            String allowed = condition.path("room_id").asText();
            if (!heldRoom.test(allowed)) {
                unchecked = true;
            } else if (membership.apply(allowed, userId).equals("join")) {
                met = true;
                break;
            }
        }
        if (!met) {
            throw unchecked
                    ? new MatrixException(400, UNABLE_TO_AUTHORISE, "this server does not hold the rooms that give access to this room: "
                            + "ask a server that does")
                    : new MatrixException(403, ErrorCodes.M_FORBIDDEN, userId + " is in no room that gives access to this room");
        }
        return Optional.of(state.entrySet().stream()
                .filter(e -> e.getKey().getFirst().equals("m.room.member") && local.test(e.getKey().get(1)))
                .filter(e -> e.getValue().path("content").path("membership").asText().equals("join"))
                .map(e -> e.getKey().get(1))
                .filter(u -> levels.userLevel(u) >= levels.invite())
                .max(Comparator.comparingLong(levels::userLevel).thenComparing(Comparator.reverseOrder()))
                .orElseThrow(() -> new MatrixException(400, UNABLE_TO_GRANT, "no member of this server may invite to the room to vouch "
                        + "for the join: ask another server of the room")));
    }
}
