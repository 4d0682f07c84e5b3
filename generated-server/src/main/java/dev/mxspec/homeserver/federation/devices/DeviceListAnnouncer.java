package dev.mxspec.homeserver.federation.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.KeyLocks;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.CrossSigning;
import dev.mxspec.homeserver.services.Memberships;
import dev.mxspec.homeserver.storage.AccountStore;
import dev.mxspec.homeserver.storage.DeviceFederationStore;
import dev.mxspec.homeserver.storage.DeviceFederationStore.AnnouncedDevice;
import dev.mxspec.homeserver.storage.DeviceKeyStore;
import dev.mxspec.homeserver.storage.Records.Device;
import dev.mxspec.homeserver.storage.Records.DeviceKeys;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code m.device_list_update} EDUs: told a local user's device list changed (a device added, renamed or removed, its
 * keys uploaded or signed by the user's self-signing key), it compares the user's devices with what was last announced
 * and sends one EDU per device that differs, to every server sharing a room with the user. Each EDU takes the user's next {@code stream_id} and names
 * the one before as {@code prev_id}; what was announced is stored, so {@code /user/devices} answers with the same
 * {@code stream_id} and a restart continues the sequence.
 */
public final class DeviceListAnnouncer implements Consumer<String> {

    private final AccountStore accounts;
    private final DeviceKeyStore keys;
    private final DeviceFederationStore store;
    private final Memberships memberships;
    private final EduOutbox outbox;
    private final CrossSigning crossSigning;
    private final String serverName;
    private final KeyLocks locks = new KeyLocks(64);

    public DeviceListAnnouncer(AccountStore accounts, DeviceKeyStore keys, DeviceFederationStore store, Memberships memberships,
            EduOutbox outbox, CrossSigning crossSigning, String serverName) {
        this.accounts = accounts;
        this.keys = keys;
        this.store = store;
        this.memberships = memberships;
        this.outbox = outbox;
        this.crossSigning = crossSigning;
        this.serverName = serverName;
    }

    @Override
    public void accept(String userId) {
        if (!SharingServers.serverOf(userId).equals(serverName)) {
            return; // another server's user, whose device list changed here as their server told
        }
        synchronized (locks.of(userId)) {
            Map<String, ObjectNode> current = current(userId);
            Map<String, AnnouncedDevice> announced = new TreeMap<>();
            store.announcedDevices(userId).forEach(d -> announced.put(d.deviceId(), d));
            long last = announced.values().stream().mapToLong(AnnouncedDevice::streamId).max().orElse(0);
            List<AnnouncedDevice> changes = new ArrayList<>();
            for (Map.Entry<String, ObjectNode> device : current.entrySet()) {
                AnnouncedDevice before = announced.get(device.getKey());
                if (before == null || before.deleted() || !ClientEvents.parse(before.json()).equals(device.getValue())) {
                    changes.add(new AnnouncedDevice(userId, device.getKey(), ++last, false, MatrixJson.write(device.getValue())));
                }
            }
            for (AnnouncedDevice before : announced.values()) {
                if (!before.deleted() && !current.containsKey(before.deviceId())) {
                    changes.add(new AnnouncedDevice(userId, before.deviceId(), ++last, true, "{}"));
                }
            }
            if (changes.isEmpty()) {
                return;
            }
            store.saveAnnouncedDevices(changes);
            Set<String> destinations = SharingServers.others(memberships, userId, serverName);
            if (!destinations.isEmpty()) {
                changes.forEach(c -> outbox.send(destinations, edu(c)));
            }
        }
    }

    /** A user's latest {@code stream_id} (0 before anything was announced). */
    public static long streamId(DeviceFederationStore store, String userId) {
        return store.announcedDevices(userId).stream().mapToLong(AnnouncedDevice::streamId).max().orElse(0);
    }

    /** Each device of the user as announced: its display name and keys (with the signatures of the user's own), when it has them. */
    private Map<String, ObjectNode> current(String userId) {
        Map<String, ObjectNode> out = new TreeMap<>();
        for (Device d : accounts.devices(userId)) {
            ObjectNode entry = MatrixJson.mapper().createObjectNode();
            d.displayName().ifPresent(name -> entry.put("device_display_name", name));
            out.put(d.deviceId(), entry);
        }
        CrossSigning.Signatures signatures = crossSigning.signatures(userId, java.util.Optional.empty());
        for (DeviceKeys k : keys.deviceKeys(userId)) {
            ObjectNode entry = out.get(k.deviceId());
            if (entry != null) {
                entry.set("keys", signatures.into(k.deviceId(), (ObjectNode) ClientEvents.parse(k.json())));
            }
        }
        return out;
    }

    private static ObjectNode edu(AnnouncedDevice change) {
        ObjectNode edu = MatrixJson.mapper().createObjectNode().put("edu_type", "m.device_list_update");
        ObjectNode content = edu.putObject("content").put("user_id", change.userId()).put("device_id", change.deviceId())
                .put("stream_id", change.streamId()).put("deleted", change.deleted());
        var prev = content.putArray("prev_id");
        if (change.streamId() > 1) {
            prev.add(change.streamId() - 1);
        }
        JsonNode entry = ClientEvents.parse(change.json());
        if (entry.path("device_display_name").isTextual()) {
            content.set("device_display_name", entry.get("device_display_name"));
        }
        if (entry.path("keys").isObject()) {
            content.set("keys", entry.get("keys"));
        }
        return edu;
    }
}
