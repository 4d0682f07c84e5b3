package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.federation.FederationMetrics;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.UserStreams;
import java.util.Map;
import java.util.Optional;

/**
 * EDUs of another server's transaction applied here: {@code m.typing} and {@code m.receipt} (the {@code m.read}
 * receipts), each only for a user of the sending server who is joined to the room, as the spec asks receiving
 * servers to check, and only for a room whose server ACL lets the sending server in ({@link RoomAcls}); local clients
 * see them in their syncs. Presence, device list and signing key updates and to-device messages go to
 * {@link UserEdus}. Other EDU types, and EDUs of the wrong shape, are ignored: an EDU never fails a transaction.
 */
public final class InboundEdus {

    /** How long a remote user's typing lasts without a new EDU (the EDU has no timeout of its own). */
    public static final long TYPING_TIMEOUT_MS = 30_000;

    private final RoomService rooms;
    private final UserStreams streams;
    private final RoomAcls acls;

    /** Takes the per-user EDUs (presence, device lists, signing keys, to-device) elsewhere; ignored when none. */
    public interface UserEdus {
        /** Applies the EDU; whether anything of it was taken in. */
        boolean apply(String origin, String type, JsonNode content);
    }

    private final UserEdus userEdus;
    private final FederationMetrics metrics;

    public InboundEdus(RoomService rooms, UserStreams streams) {
        this(rooms, streams, (origin, type, content) -> false);
    }

    public InboundEdus(RoomService rooms, UserStreams streams, UserEdus userEdus) {
        this(rooms, streams, userEdus, FederationMetrics.unregistered());
    }

    /** Counting the EDUs of which nothing was taken in in {@code metrics}. */
    public InboundEdus(RoomService rooms, UserStreams streams, UserEdus userEdus, FederationMetrics metrics) {
        this.rooms = rooms;
        this.streams = streams;
        this.acls = new RoomAcls(rooms);
        this.userEdus = userEdus;
        this.metrics = metrics;
    }

    /** Applies one EDU of {@code origin}. */
    public void apply(String origin, String type, JsonNode content) {
        boolean taken = switch (type) {
            case "m.typing" -> typing(origin, content);
            case "m.receipt" -> receipts(origin, content);
            case "m.presence", "m.device_list_update", "m.signing_key_update", "m.direct_to_device" -> userEdus.apply(origin, type, content);
            default -> false; // other types are ignored
        };
        if (!taken) {
            metrics.ignoredEdu(type);
        }
    }

    private boolean typing(String origin, JsonNode content) {
        JsonNode roomId = content.path("room_id");
        JsonNode userId = content.path("user_id");
        JsonNode typing = content.path("typing");
        if (roomId.isTextual() && userId.isTextual() && typing.isBoolean() && joinedFrom(origin, roomId.asText(), userId.asText())) {
            streams.typing(roomId.asText(), userId.asText(), typing.asBoolean(), TYPING_TIMEOUT_MS);
            return true;
        }
        return false;
    }

    private boolean receipts(String origin, JsonNode content) {
        boolean taken = false;
        for (Map.Entry<String, JsonNode> room : content.properties()) {
            JsonNode read = room.getValue().path("m.read");
            for (Map.Entry<String, JsonNode> user : read.properties()) {
                JsonNode eventIds = user.getValue().path("event_ids");
                if (!eventIds.isArray() || eventIds.isEmpty() || !eventIds.get(0).isTextual()
                        || !joinedFrom(origin, room.getKey(), user.getKey())) {
                    continue;
                }
                JsonNode thread = user.getValue().path("data").path("thread_id");
                streams.receipt(room.getKey(), user.getKey(), "m.read", eventIds.get(0).asText(),
                        thread.isTextual() ? Optional.of(thread.asText()) : Optional.empty());
                taken = true;
            }
        }
        return taken;
    }

    /** Whether {@code userId} is a user of {@code origin} joined to a room this server knows, whose ACL allows {@code origin}. */
    private boolean joinedFrom(String origin, String roomId, String userId) {
        if (!ServerVisibility.serverOf(userId).equals(origin) || !acls.allows(roomId, origin)) {
            return false;
        }
        return rooms.membership(roomId, userId).filter("join"::equals).isPresent();
    }
}
