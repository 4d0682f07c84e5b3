package dev.mxspec.homeserver.federation.devices;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.federation.rooms.InboundEdus;
import dev.mxspec.homeserver.services.DeviceLists;
import dev.mxspec.homeserver.services.Memberships;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.homeserver.storage.AccountStore;
import dev.mxspec.homeserver.storage.DeviceFederationStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Another server's per-user EDUs, each only about users of that server (the origin of the transaction) and only
 * when they share a room with this server's users:
 * <ul>
 * <li>{@code m.presence}: the user's presence, which local users sharing a room see in their syncs;</li>
 * <li>{@code m.device_list_update}: the user's device list is marked changed ({@code device_lists.changed} of the syncs
 * of local users sharing a room, {@code /keys/changes}) and the cached list updated or dropped
 * ({@link RemoteDeviceKeys#update});</li>
 * <li>{@code m.signing_key_update}: the user's master and self-signing keys are kept
 * ({@link RemoteDeviceKeys#signingKeyUpdate}) and the user marked changed as for a device list update;</li>
 * <li>{@code m.direct_to_device}: messages from a user of the origin to this server's users' devices, delivered once
 * per {@code message_id}; entries for other servers' users are ignored.</li>
 * </ul>
 * EDUs of the wrong shape are ignored.
 */
public final class InboundUserEdus implements InboundEdus.UserEdus {

    private static final Set<String> PRESENCE = Set.of("online", "unavailable", "offline");

    private final UserStreams streams;
    private final DeviceLists deviceLists;
    private final Memberships memberships;
    private final AccountStore accounts;
    private final DeviceFederationStore store;
    private final RemoteDeviceKeys remoteKeys;
    private final String serverName;
    private final LongSupplier clock;

    public InboundUserEdus(UserStreams streams, DeviceLists deviceLists, Memberships memberships, AccountStore accounts,
            DeviceFederationStore store, RemoteDeviceKeys remoteKeys, String serverName, LongSupplier clock) {
        this.streams = streams;
        this.deviceLists = deviceLists;
        this.memberships = memberships;
        this.accounts = accounts;
        this.store = store;
        this.remoteKeys = remoteKeys;
        this.serverName = serverName;
        this.clock = clock;
    }

    @Override
    public boolean apply(String origin, String type, JsonNode content) {
        if (content == null || !content.isObject()) {
            return false;
        }
        return switch (type) {
            case "m.presence" -> presence(origin, content);
            case "m.device_list_update" -> deviceListUpdate(origin, content);
            case "m.signing_key_update" -> signingKeyUpdate(origin, content);
            case "m.direct_to_device" -> toDevice(origin, content);
            default -> false;
        };
    }

    private boolean presence(String origin, JsonNode content) {
        boolean taken = false;
        for (JsonNode update : content.path("push")) {
            JsonNode userId = update.path("user_id");
            JsonNode presence = update.path("presence");
            if (!userId.isTextual() || !presence.isTextual() || !PRESENCE.contains(presence.asText()) || !ofOrigin(origin, userId.asText())) {
                continue;
            }
            JsonNode ago = update.path("last_active_ago");
            long lastActive = clock.getAsLong() - (ago.canConvertToLong() ? Math.max(0, ago.asLong()) : 0);
            JsonNode status = update.path("status_msg");
            streams.setPresence(userId.asText(), presence.asText(), status.isTextual() ? Optional.of(status.asText()) : Optional.empty(),
                    lastActive);
            taken = true;
        }
        return taken;
    }

    private boolean deviceListUpdate(String origin, JsonNode content) {
        JsonNode userId = content.path("user_id");
        JsonNode deviceId = content.path("device_id");
        JsonNode streamId = content.path("stream_id");
        if (!userId.isTextual() || !deviceId.isTextual() || !streamId.isIntegralNumber() || !ofOrigin(origin, userId.asText())) {
            return false;
        }
        List<Long> prevIds = new ArrayList<>();
        for (JsonNode prev : content.path("prev_id")) {
            if (prev.isIntegralNumber()) {
                prevIds.add(prev.asLong());
            }
        }
        JsonNode keys = content.path("keys");
        JsonNode name = content.path("device_display_name");
        remoteKeys.update(userId.asText(), deviceId.asText(), streamId.asLong(), prevIds, content.path("deleted").asBoolean(false),
                keys.isObject() ? Optional.of(keys) : Optional.empty(), name.isTextual() ? Optional.of(name.asText()) : Optional.empty());
        deviceLists.changed(userId.asText());
        return true;
    }

    private boolean signingKeyUpdate(String origin, JsonNode content) {
        JsonNode userId = content.path("user_id");
        if (!userId.isTextual() || !ofOrigin(origin, userId.asText())
                || !remoteKeys.signingKeyUpdate(userId.asText(), present(content.get("master_key")), present(content.get("self_signing_key")))) {
            return false;
        }
        deviceLists.changed(userId.asText());
        return true;
    }

    private static Optional<JsonNode> present(JsonNode value) {
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    private boolean toDevice(String origin, JsonNode content) {
        JsonNode sender = content.path("sender");
        JsonNode type = content.path("type");
        JsonNode messageId = content.path("message_id");
        JsonNode messages = content.path("messages");
        if (!sender.isTextual() || !type.isTextual() || !messageId.isTextual() || messageId.asText().length() > 255 || !messages.isObject()
                || !SharingServers.serverOf(sender.asText()).equals(origin)) {
            return false;
        }
        if (!store.saveReceivedToDevice(origin, messageId.asText(), clock.getAsLong())) {
            return false; // delivered before
        }
        boolean delivered = false;
        for (Map.Entry<String, JsonNode> user : messages.properties()) {
            if (!SharingServers.serverOf(user.getKey()).equals(serverName) || !user.getValue().isObject()) {
                continue;
            }
            for (Map.Entry<String, JsonNode> device : user.getValue().properties()) {
                boolean known = device.getKey().equals("*") ? !accounts.devices(user.getKey()).isEmpty()
                        : accounts.device(user.getKey(), device.getKey()).isPresent();
                if (known && device.getValue().isObject()) {
                    streams.sendToDevice(sender.asText(), user.getKey(), device.getKey(), type.asText(), device.getValue());
                    delivered = true;
                }
            }
        }
        return delivered;
    }

    /** Whether {@code userId} is a user of {@code origin} in a room this server knows (so shares one with its users). */
    private boolean ofOrigin(String origin, String userId) {
        return SharingServers.serverOf(userId).equals(origin) && SharingServers.sharesWithLocal(memberships, userId, serverName);
    }
}
