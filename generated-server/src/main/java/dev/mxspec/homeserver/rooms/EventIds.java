package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.UnpaddedBase64;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Event IDs per room version. In versions 1 and 2 the creating server picks {@code $opaque:server} and puts it
 * in {@code event_id} before hashing and signing; in later versions the ID is derived from the reference hash,
 * so it is known only once the event is hashed (signatures do not change it).
 */
public final class EventIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int OPAQUE_BYTES = 18;

    private EventIds() {}

    /** A new {@code $opaque:server} ID for a version 1 or 2 event created by {@code serverName}. */
    public static String random(String serverName) {
        byte[] opaque = new byte[OPAQUE_BYTES];
        RANDOM.nextBytes(opaque);
        return "$" + UnpaddedBase64.encodeUrlSafe(opaque) + ":" + serverName;
    }

    /**
     * The ID of {@code pdu}: its {@code event_id} in versions 1 and 2 (empty when it has none), else {@code $} and
     * its reference hash in the version's alphabet. An {@code event_id} a v3+ event should not carry over
     * federation is left out of the hash, so the ID is the same with or without it.
     */
    public static Optional<String> of(ObjectNode pdu, RoomVersion version) {
        if (!version.eventIdFormat().isHash()) {
            return new PduView(pdu).eventId();
        }
        return Optional.of(referenceId(pdu, version));
    }

    /** {@link #of}, empty too for a PDU that is no event at all (another server's answer may hold anything). */
    public static Optional<String> ofAny(ObjectNode pdu, RoomVersion version) {
        try {
            return of(pdu, version);
        } catch (RuntimeException unnamed) {
            return Optional.empty();
        }
    }

    /** {@code $} and the reference hash, for versions 3 and later. */
    public static String referenceId(ObjectNode pdu, RoomVersion version) {
        if (!version.eventIdFormat().isHash()) {
            throw new IllegalArgumentException("room version " + version.id() + " does not derive event IDs");
        }
        ObjectNode withoutId = pdu.deepCopy();
        withoutId.remove("event_id");
        byte[] hash = EventHashes.referenceHash(withoutId, version);
        return "$" + (version.eventIdFormat() == EventIdFormat.REFERENCE_HASH
                ? UnpaddedBase64.encode(hash)
                : UnpaddedBase64.encodeUrlSafe(hash));
    }
}
