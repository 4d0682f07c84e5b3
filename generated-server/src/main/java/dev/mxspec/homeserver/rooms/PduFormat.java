package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Whether an event from another server is a valid event of its room version (server-server API, the first check on
 * receipt: an invalid event is dropped): the keys of the PDU format with their types, the size limits of the
 * client-server API ("Size limits": 65,536 bytes of canonical JSON, 255 bytes for {@code sender}, {@code room_id},
 * {@code state_key}, {@code type} and {@code event_id}), a depth within {@code [0, 2^63 - 1]}, and at most
 * {@value #MAX_PREV_EVENTS} prev events and {@value #MAX_AUTH_EVENTS} auth events (the spec sets no bound; Synapse
 * refuses more, as this does, so that one event cannot make the server walk thousands).
 */
public final class PduFormat {

    /** The most bytes of an event in canonical JSON. */
    public static final int MAX_BYTES = 65_536;

    public static final int MAX_PREV_EVENTS = 20;

    public static final int MAX_AUTH_EVENTS = 10;

    private static final int MAX_ID_BYTES = 255;

    private PduFormat() {}

    /** The first way {@code pdu} breaks the format of {@code version}, if it does. */
    public static Optional<String> violation(JsonNode pdu, RoomVersion version) {
        if (!pdu.isObject()) {
            return Optional.of("an event is a JSON object");
        }
        for (String key : new String[] {"room_id", "sender", "type"}) {
            Optional<String> bad = identifier(pdu, key, true);
            if (bad.isPresent()) {
                return bad;
            }
        }
        Optional<String> stateKey = identifier(pdu, "state_key", false);
        if (stateKey.isPresent()) {
            return stateKey;
        }
        if (!pdu.path("room_id").asText().startsWith("!")) {
            return Optional.of("room_id is not a room ID");
        }
        if (!MatrixIds.isUserId(pdu.path("sender").asText())) {
            return Optional.of("sender is not a user ID");
        }
        if (!pdu.path("content").isObject()) {
            return Optional.of("content must be an object");
        }
        if (!pdu.path("origin_server_ts").isIntegralNumber()) {
            return Optional.of("origin_server_ts must be an integer");
        }
        JsonNode depth = pdu.path("depth");
        if (!depth.isIntegralNumber() || !depth.canConvertToLong() || depth.asLong() < 0) {
            return Optional.of("depth must be an integer from 0 to 2^63 - 1");
        }
        if (!pdu.path("hashes").path("sha256").isTextual()) {
            return Optional.of("hashes.sha256 must be a string");
        }
        if (!pdu.path("signatures").isObject()) {
            return Optional.of("signatures must be an object");
        }
        if (pdu.has("redacts") && !pdu.get("redacts").isTextual()) {
            return Optional.of("redacts must be a string");
        }
        if (!version.eventIdFormat().isHash()) {
            Optional<String> eventId = identifier(pdu, "event_id", true);
            if (eventId.isPresent()) {
                return eventId;
            }
        }
        Optional<String> prevs = references(pdu, "prev_events", MAX_PREV_EVENTS, version);
        if (prevs.isPresent()) {
            return prevs;
        }
        Optional<String> auths = references(pdu, "auth_events", MAX_AUTH_EVENTS, version);
        if (auths.isPresent()) {
            return auths;
        }
        int bytes = CanonicalJson.write(pdu).getBytes(StandardCharsets.UTF_8).length;
        return bytes > MAX_BYTES ? Optional.of("the event is " + bytes + " bytes, more than " + MAX_BYTES) : Optional.empty();
    }

    private static Optional<String> identifier(JsonNode pdu, String key, boolean required) {
        JsonNode value = pdu.get(key);
        if (value == null) {
            return required ? Optional.of(key + " is missing") : Optional.empty();
        }
        if (!value.isTextual()) {
            return Optional.of(key + " must be a string");
        }
        return value.asText().getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES
                ? Optional.of(key + " is longer than " + MAX_ID_BYTES + " bytes") : Optional.empty();
    }

    /** Event IDs from version 3; {@code [event_id, hashes]} pairs before. */
    private static Optional<String> references(JsonNode pdu, String key, int max, RoomVersion version) {
        JsonNode refs = pdu.path(key);
        if (!refs.isArray()) {
            return Optional.of(key + " must be an array");
        }
        if (refs.size() > max) {
            return Optional.of(key + " names " + refs.size() + " events, more than " + max);
        }
        for (JsonNode ref : refs) {
            boolean ok = version.eventIdFormat().isHash() ? ref.isTextual()
                    : ref.isArray() && ref.size() == 2 && ref.get(0).isTextual() && ref.get(1).isObject();
            if (!ok) {
                return Optional.of(key + " holds " + ref + ", not an event reference of room version " + version.id());
            }
        }
        return Optional.empty();
    }
}
