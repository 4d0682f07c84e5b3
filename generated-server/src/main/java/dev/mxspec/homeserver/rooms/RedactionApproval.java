package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Whether to apply a redaction ("Handling redactions", room versions 3 and later): the auth rules let every
 * {@code m.room.redaction} in, and the server applies it, and sends it to clients, only once it holds both
 * events and the redaction's sender may redact the original.
 */
public final class RedactionApproval {

    private RedactionApproval() {}

    /**
     * Whether {@code redaction} may redact {@code original}: its sender has the redact level, or is on the same
     * server as the original's sender. In versions 1 and 2 the auth rules decided this on receipt (by event ID
     * domain), so an accepted redaction applies.
     */
    public static boolean applies(ObjectNode redaction, ObjectNode original, PowerLevels levels, RoomVersion version) {
        if (version.has(RoomFeature.REDACTION_AUTH_RULE)) {
            return true;
        }
        PduView redactionView = new PduView(redaction);
        return levels.userLevel(redactionView.sender()) >= levels.redact()
                || MatrixIds.sameServer(redactionView.sender(), new PduView(original).sender());
    }
}
