package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.UnpaddedBase64;
import dev.mxspec.runtime.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The two hashes of an event (server-server API, "Signing Events"). The content hash covers the whole,
 * unredacted event and is stored in {@code hashes.sha256}; the reference hash covers the redacted event
 * (hashes included) and names events in room versions 3 and later.
 */
public final class EventHashes {

    private EventHashes() {}

    /** SHA-256 of the canonical JSON of the event without {@code unsigned}, {@code signatures} and {@code hashes}. */
    public static byte[] contentHash(ObjectNode event) {
        ObjectNode stripped = event.deepCopy();
        stripped.remove("unsigned");
        stripped.remove("signatures");
        stripped.remove("hashes");
        return sha256(stripped);
    }

    /** A copy of {@code event} with its content hash in {@code hashes.sha256} (other algorithms kept). */
    public static ObjectNode withContentHash(ObjectNode event) {
        ObjectNode hashed = event.deepCopy();
        ObjectNode hashes = hashed.get("hashes") instanceof ObjectNode existing ? existing : hashed.objectNode();
        hashes.put("sha256", UnpaddedBase64.encode(contentHash(event)));
        hashed.set("hashes", hashes);
        return hashed;
    }

    /** Whether {@code hashes.sha256} is the content hash; when not, the receiver keeps only the redacted event. */
    public static boolean hasValidContentHash(ObjectNode event) {
        JsonNode stored = event.path("hashes").path("sha256");
        return stored.isTextual()
                && UnpaddedBase64.tryDecode(stored.textValue())
                        .map(bytes -> Arrays.equals(bytes, contentHash(event)))
                        .orElse(false);
    }

    /** SHA-256 of the canonical JSON of the redacted event without {@code signatures} and {@code unsigned}. */
    public static byte[] referenceHash(ObjectNode event, RoomVersion version) {
        ObjectNode redacted = Redaction.redact(event, version);
        redacted.remove("signatures");
        redacted.remove("unsigned");
        return sha256(redacted);
    }

    private static byte[] sha256(ObjectNode json) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(CanonicalJson.write(json).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
