package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.AuthResult.allowed;
import static dev.mxspec.homeserver.rooms.AuthResult.refused;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The authorization rules of room versions 1 to 10 ("Authorization rules" of each room version): whether an
 * event is allowed given the room state before it. Membership events are checked by {@link MembershipRules},
 * power levels changes by {@link PowerLevelRules}. Which auth events an event may cite is checked by
 * {@link AuthEvents}; whether those auth events were themselves rejected is for the caller to know.
 */
public final class AuthRules {

    private AuthRules() {}

    /** Whether {@code event} is allowed in a room of {@code version} whose state is {@code state}. */
    public static AuthResult check(ObjectNode event, AuthState state, RoomVersion version) {
        return check(new PduView(event), state, version);
    }

    /** {@link #check(ObjectNode, AuthState, RoomVersion)} on a view. */
    public static AuthResult check(PduView pdu, AuthState state, RoomVersion version) {
        if (pdu.type().isEmpty() || pdu.sender().isEmpty()) {
            return refused(AuthRule.EVENT_FORMAT, "event has no type or no sender");
        }
        if (pdu.type().equals("m.room.create")) {
            return checkCreate(pdu);
        }
        if (state.create().isEmpty()) {
            return refused(AuthRule.AUTH_EVENTS, "there is no m.room.create event in the room state");
        }
        PduView create = new PduView(state.create().get());
        if (create.content().path("m.federate").isBoolean() && !create.content().path("m.federate").booleanValue()
                && !MatrixIds.sameServer(pdu.sender(), create.sender())) {
            return refused(AuthRule.FEDERATION, "room does not federate and sender " + pdu.sender()
                    + " is not on the creator's server");
        }
        if (version.has(RoomFeature.ALIASES_AUTH_RULE) && pdu.type().equals("m.room.aliases")) {
            return checkAliases(pdu);
        }
        if (pdu.type().equals("m.room.member")) {
            return MembershipRules.check(pdu, state, version);
        }
        if (state.membership(pdu.sender()) != Membership.JOIN) {
            return refused(AuthRule.SENDER_NOT_JOINED, "sender is not joined to the room");
        }
        PowerLevels levels = state.levels();
        long senderLevel = levels.userLevel(pdu.sender());
        if (pdu.type().equals("m.room.third_party_invite")) {
            return senderLevel >= levels.invite()
                    ? allowed()
                    : refused(AuthRule.THIRD_PARTY_INVITE_EVENT, tooLow("send m.room.third_party_invite",
                            levels.invite(), senderLevel));
        }
        long required = levels.eventLevel(pdu.type(), pdu.isState());
        if (required > senderLevel) {
            return refused(AuthRule.REQUIRED_POWER_LEVEL, tooLow("send " + pdu.type(), required, senderLevel));
        }
        Optional<String> stateKey = pdu.stateKey();
        if (stateKey.isPresent() && stateKey.get().startsWith("@") && !stateKey.get().equals(pdu.sender())) {
            return refused(AuthRule.STATE_KEY_OWNER, "state key " + stateKey.get()
                    + " is a user ID other than the sender's");
        }
        if (pdu.type().equals("m.room.power_levels")) {
            return PowerLevelRules.check(pdu, state, version, senderLevel);
        }
        if (version.has(RoomFeature.REDACTION_AUTH_RULE) && pdu.type().equals("m.room.redaction")) {
            return checkRedaction(pdu, levels.redact(), senderLevel);
        }
        return allowed();
    }

    /** "power level too low to {action}: needs {required}, has {actual}". */
    static String tooLow(String action, long required, long actual) {
        return "power level too low to " + action + ": needs " + required + ", has " + actual;
    }

    private static AuthResult checkCreate(PduView pdu) {
        if (pdu.json().path("prev_events").size() > 0) {
            return refused(AuthRule.CREATE, "m.room.create must not have prev_events");
        }
        if (!MatrixIds.sameServer(pdu.roomId(), pdu.sender())) {
            return refused(AuthRule.CREATE, "room ID " + pdu.roomId() + " is not on the sender's server");
        }
        JsonNode roomVersion = pdu.content().get("room_version");
        if (roomVersion != null && (!roomVersion.isTextual() || RoomVersions.of(roomVersion.textValue()).isEmpty())) {
            return refused(AuthRule.CREATE, "room version " + roomVersion + " is not recognised");
        }
        if (!pdu.content().has("creator")) {
            return refused(AuthRule.CREATE, "m.room.create has no creator in content");
        }
        return allowed();
    }

    private static AuthResult checkAliases(PduView pdu) {
        Optional<String> stateKey = pdu.stateKey();
        if (stateKey.isEmpty()) {
            return refused(AuthRule.ALIASES, "m.room.aliases has no state key");
        }
        if (!MatrixIds.serverOf(pdu.sender()).equals(stateKey)) {
            return refused(AuthRule.ALIASES, "m.room.aliases state key " + stateKey.get()
                    + " is not the sender's server");
        }
        return allowed();
    }

    private static AuthResult checkRedaction(PduView pdu, long redactLevel, long senderLevel) {
        if (senderLevel >= redactLevel) {
            return allowed();
        }
        Optional<String> redacts = pdu.redacts();
        Optional<String> eventId = pdu.eventId();
        if (redacts.isPresent() && eventId.isPresent() && MatrixIds.sameServer(redacts.get(), eventId.get())) {
            return allowed();
        }
        return refused(AuthRule.REDACTION, tooLow("redact an event from another server", redactLevel, senderLevel));
    }
}
