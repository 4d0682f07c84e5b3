package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.AuthResult.allowed;
import static dev.mxspec.homeserver.rooms.AuthResult.refused;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The auth events of an event (server-server API, "Auth events selection"): which state an event may cite, and
 * the checks on what it does cite. Whether the cited events were themselves rejected is for the caller.
 */
public final class AuthEvents {

    private AuthEvents() {}

    /**
     * The state keys of the auth events {@code event} should cite: the create event, the power levels, the
     * sender's membership; for a membership event the target's membership, the join rules (join, invite and, from
     * version 7, knock), the third-party invite of the token, and from version 8 the membership of the user in
     * {@code join_authorised_via_users_server}. Empty for {@code m.room.create}.
     */
    public static SortedSet<StateKey> selection(ObjectNode event, RoomVersion version) {
        PduView pdu = new PduView(event);
        SortedSet<StateKey> keys = new TreeSet<>();
        if (pdu.type().equals("m.room.create")) {
            return keys;
        }
        keys.add(new StateKey("m.room.create", ""));
        keys.add(new StateKey("m.room.power_levels", ""));
        keys.add(new StateKey("m.room.member", pdu.sender()));
        if (!pdu.type().equals("m.room.member")) {
            return keys;
        }
        pdu.stateKey().ifPresent(target -> keys.add(new StateKey("m.room.member", target)));
        Optional<Membership> membership = pdu.membership().flatMap(Membership::parse);
        if (membership.equals(Optional.of(Membership.JOIN)) || membership.equals(Optional.of(Membership.INVITE))
                || (membership.equals(Optional.of(Membership.KNOCK)) && version.has(RoomFeature.KNOCKING))) {
            keys.add(new StateKey("m.room.join_rules", ""));
        }
        if (membership.equals(Optional.of(Membership.INVITE))) {
            PduView.text(pdu.content().path("third_party_invite").path("signed"), "token")
                    .ifPresent(token -> keys.add(new StateKey("m.room.third_party_invite", token)));
        }
        if (version.has(RoomFeature.RESTRICTED_JOINS)) {
            pdu.contentText("join_authorised_via_users_server")
                    .ifPresent(user -> keys.add(new StateKey("m.room.member", user)));
        }
        return keys;
    }

    /**
     * Checks the auth events {@code event} cites: no two for the same state key, none outside the
     * {@linkplain #selection selection}, and an {@code m.room.create} among them.
     */
    public static AuthResult check(ObjectNode event, Collection<ObjectNode> authEvents, RoomVersion version) {
        if (new PduView(event).type().equals("m.room.create")) {
            return authEvents.isEmpty()
                    ? allowed()
                    : refused(AuthRule.AUTH_EVENTS, "m.room.create must have no auth events");
        }
        Set<StateKey> expected = selection(event, version);
        Set<StateKey> seen = new HashSet<>();
        for (ObjectNode authEvent : authEvents) {
            PduView view = new PduView(authEvent);
            if (view.stateKey().isEmpty()) {
                return refused(AuthRule.AUTH_EVENTS, "auth event of type " + view.type() + " is not a state event");
            }
            StateKey key = new StateKey(view.type(), view.stateKey().get());
            if (!seen.add(key)) {
                return refused(AuthRule.AUTH_EVENTS, "two auth events for " + describe(key));
            }
            if (!expected.contains(key)) {
                return refused(AuthRule.AUTH_EVENTS, "auth event " + describe(key) + " is not one this event needs");
            }
        }
        return seen.contains(new StateKey("m.room.create", ""))
                ? allowed()
                : refused(AuthRule.AUTH_EVENTS, "no m.room.create event among the auth events");
    }

    private static String describe(StateKey key) {
        return key.type() + " (state key '" + key.stateKey() + "')";
    }
}
