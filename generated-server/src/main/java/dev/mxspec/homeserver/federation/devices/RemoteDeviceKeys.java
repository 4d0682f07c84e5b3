package dev.mxspec.homeserver.federation.devices;

import dev.mxspec.runtime.api.PathCodec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.CrossSigning;
import dev.mxspec.homeserver.services.KeysService;
import dev.mxspec.homeserver.services.Memberships;
import dev.mxspec.homeserver.storage.CrossSigningStore;
import dev.mxspec.homeserver.storage.CrossSigningStore.CrossSigningKey;
import dev.mxspec.homeserver.storage.DeviceFederationStore;
import dev.mxspec.homeserver.storage.DeviceFederationStore.RemoteDeviceList;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.ClaimKeysResponseOneTimeKeys;
import dev.mxspec.spec.v1_7.clientserver.DeviceInformation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keys of other servers' users, asked of their servers. The device lists of users who share a room with a local user
 * are cached (fetched with {@code /user/devices}, then kept up to date by their server's {@code m.device_list_update}
 * EDUs, dropped when an update was missed), and so are their master and self-signing keys (from {@code /user/devices},
 * then {@code m.signing_key_update} EDUs); other users' keys are asked with {@code /user/keys/query} each time. One-time
 * keys are claimed with {@code /user/keys/claim}. Only entries of the asked server's own users that fit the spec's
 * schemas are kept: a server cannot answer for another server's users.
 */
public final class RemoteDeviceKeys implements KeysService.RemoteKeys {

    private final FederationClient client;
    private final DeviceFederationStore store;
    private final CrossSigningStore crossSigning;
    private final Memberships memberships;
    private final String serverName;

    public RemoteDeviceKeys(FederationClient client, DeviceFederationStore store, CrossSigningStore crossSigning, Memberships memberships,
            String serverName) {
        this.client = client;
        this.store = store;
        this.crossSigning = crossSigning;
        this.memberships = memberships;
        this.serverName = serverName;
    }

    @Override
    public ObjectNode query(String server, Map<String, List<String>> wanted) throws IOException {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        ObjectNode deviceKeys = out.putObject("device_keys");
        ObjectNode masterKeys = out.putObject("master_keys");
        ObjectNode selfSigningKeys = out.putObject("self_signing_keys");
        Map<String, List<String>> ask = new LinkedHashMap<>();
        wanted.forEach((user, devices) -> {
            Optional<ObjectNode> list = deviceList(server, user);
            if (list.isEmpty()) {
                ask.put(user, devices == null ? List.of() : devices);
                return;
            }
            for (CrossSigningKey k : crossSigning.crossSigningKeys(user)) {
                (k.usage().equals(CrossSigning.MASTER) ? masterKeys : selfSigningKeys).set(user, ClientEvents.parse(k.json()));
            }
            ObjectNode ofUser = deviceKeys.putObject(user);
            list.get().properties().forEach(d -> {
                JsonNode keys = d.getValue().path("keys");
                if (keys.isObject() && (devices == null || devices.isEmpty() || devices.contains(d.getKey()))) {
                    ObjectNode copy = keys.deepCopy();
                    ObjectNode unsigned = copy.withObjectProperty("unsigned");
                    if (d.getValue().path("device_display_name").isTextual()) {
                        unsigned.set("device_display_name", d.getValue().get("device_display_name"));
                    }
                    ofUser.set(d.getKey(), copy);
                }
            });
        });
        if (!ask.isEmpty()) {
            ObjectNode body = MatrixJson.mapper().createObjectNode();
            body.set("device_keys", MatrixJson.mapper().valueToTree(ask));
            JsonNode whole = post(server, "/_matrix/federation/v1/user/keys/query", body);
            JsonNode answer = whole.path("device_keys");
            ask.keySet().forEach(user -> {
                if (answer.path(user).isObject()) {
                    deviceKeys.set(user, validDevices(user, answer.path(user)));
                }
                CrossSigning.valid(user, CrossSigning.MASTER, whole.path("master_keys").get(user))
                        .ifPresent(k -> masterKeys.set(user, ClientEvents.parse(k.json())));
                CrossSigning.valid(user, CrossSigning.SELF_SIGNING, whole.path("self_signing_keys").get(user))
                        .ifPresent(k -> selfSigningKeys.set(user, ClientEvents.parse(k.json())));
            });
        }
        return out;
    }

    @Override
    public ObjectNode claim(String server, Map<String, Map<String, String>> wanted) throws IOException {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        body.set("one_time_keys", MatrixJson.mapper().valueToTree(wanted));
        JsonNode answer = post(server, "/_matrix/federation/v1/user/keys/claim", body).path("one_time_keys");
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        ObjectNode claimed = out.putObject("one_time_keys");
        wanted.forEach((user, devices) -> answer.path(user).properties().forEach(device -> {
            if (devices == null || !devices.containsKey(device.getKey())) {
                return;
            }
            device.getValue().properties().forEach(key -> {
                if (fits(key.getValue(), ClaimKeysResponseOneTimeKeys.class)) {
                    claimed.withObjectProperty(user).withObjectProperty(device.getKey()).set(key.getKey(), key.getValue());
                }
            });
        }));
        return out;
    }

    /**
     * Applies an {@code m.device_list_update} of {@code userId}'s server to the cached list: when the list is at one of
     * {@code prevIds}, the device's entry is replaced (or removed); when it is not, an update was missed and the list is
     * dropped, to be fetched again when next asked for.
     */
    void update(String userId, String deviceId, long streamId, List<Long> prevIds, boolean deleted, Optional<JsonNode> keys,
            Optional<String> displayName) {
        Optional<RemoteDeviceList> cached = store.remoteDeviceList(userId);
        if (cached.isEmpty() || streamId <= cached.get().streamId()) {
            return; // nothing cached, or an update already applied
        }
        boolean valid = keys.map(k -> validKeys(userId, deviceId, k)).orElse(true);
        if (!prevIds.contains(cached.get().streamId()) || !valid) {
            store.dropRemoteDeviceList(userId);
            return;
        }
        ObjectNode devices = (ObjectNode) ClientEvents.parse(cached.get().devices());
        if (deleted) {
            devices.remove(deviceId);
        } else {
            ObjectNode entry = MatrixJson.mapper().createObjectNode();
            displayName.ifPresent(name -> entry.put("device_display_name", name));
            keys.ifPresent(k -> entry.set("keys", k));
            devices.set(deviceId, entry);
        }
        if (!store.updateRemoteDeviceList(new RemoteDeviceList(userId, streamId, MatrixJson.write(devices)), cached.get().streamId())) {
            store.dropRemoteDeviceList(userId);
        }
    }

    /**
     * Applies an {@code m.signing_key_update} of {@code userId}'s server: the master and self-signing keys it holds
     * replace the kept ones; false (nothing kept) when a key does not fit, or the self-signing key is not signed by the
     * master key (the new one, else the kept one).
     */
    boolean signingKeyUpdate(String userId, Optional<JsonNode> master, Optional<JsonNode> selfSigning) {
        Optional<CrossSigningKey> newMaster = master.flatMap(k -> CrossSigning.valid(userId, CrossSigning.MASTER, k));
        Optional<CrossSigningKey> newSelfSigning = selfSigning.flatMap(k -> CrossSigning.valid(userId, CrossSigning.SELF_SIGNING, k));
        if ((newMaster.isEmpty() && newSelfSigning.isEmpty()) || (master.isPresent() && newMaster.isEmpty())
                || (selfSigning.isPresent() && newSelfSigning.isEmpty())) {
            return false;
        }
        if (newSelfSigning.isPresent()) {
            Optional<CrossSigningKey> signer = newMaster.or(() -> crossSigning.crossSigningKeys(userId).stream()
                    .filter(k -> k.usage().equals(CrossSigning.MASTER)).findFirst());
            if (signer.isEmpty() || !CrossSigning.signedBy(newSelfSigning.get(), signer.get())) {
                return false;
            }
        }
        List<CrossSigningKey> keys = new ArrayList<>();
        newMaster.ifPresent(keys::add);
        newSelfSigning.ifPresent(keys::add);
        crossSigning.saveCrossSigningKeys(userId, keys);
        return true;
    }

    /** The cached device list of a user sharing a room with a local user, fetched when not cached; empty for other users. */
    private Optional<ObjectNode> deviceList(String server, String userId) {
        if (!SharingServers.sharesWithLocal(memberships, userId, serverName)) {
            store.remoteDeviceList(userId).ifPresent(stale -> store.dropRemoteDeviceList(userId)); // no longer told of changes
            if (!crossSigning.crossSigningKeys(userId).isEmpty()) {
                crossSigning.dropCrossSigningKeys(userId);
            }
            return Optional.empty();
        }
        Optional<RemoteDeviceList> cached = store.remoteDeviceList(userId);
        if (cached.isPresent()) {
            return Optional.of((ObjectNode) ClientEvents.parse(cached.get().devices()));
        }
        FederationClient.Response r;
        try {
            r = client.send(server, "GET", "/_matrix/federation/v1/user/devices/" + PathCodec.encodeSegment(userId), Optional.empty());
        } catch (IOException e) {
            return Optional.empty(); // asked again with /user/keys/query, which fails the server if it is down
        }
        JsonNode body = r.body();
        if (r.status() != 200 || body == null || !body.path("stream_id").canConvertToLong() || !body.path("devices").isArray()
                || !userId.equals(body.path("user_id").asText())) {
            return Optional.empty();
        }
        ObjectNode devices = MatrixJson.mapper().createObjectNode();
        for (JsonNode d : body.get("devices")) {
            String deviceId = d.path("device_id").asText("");
            if (deviceId.isEmpty()) {
                continue;
            }
            ObjectNode entry = MatrixJson.mapper().createObjectNode();
            if (d.path("device_display_name").isTextual()) {
                entry.set("device_display_name", d.get("device_display_name"));
            }
            if (validKeys(userId, deviceId, d.path("keys"))) {
                entry.set("keys", d.get("keys"));
            }
            devices.set(deviceId, entry);
        }
        List<CrossSigningKey> keys = new ArrayList<>();
        CrossSigning.valid(userId, CrossSigning.MASTER, body.get("master_key")).ifPresent(keys::add);
        CrossSigning.valid(userId, CrossSigning.SELF_SIGNING, body.get("self_signing_key")).ifPresent(keys::add);
        crossSigning.dropCrossSigningKeys(userId);
        crossSigning.saveCrossSigningKeys(userId, keys);
        store.saveRemoteDeviceList(new RemoteDeviceList(userId, body.get("stream_id").asLong(), MatrixJson.write(devices)));
        return Optional.of(devices);
    }

    private JsonNode post(String server, String path, ObjectNode body) throws IOException {
        FederationClient.Response r = client.send(server, "POST", path, Optional.of(body));
        if (r.status() != 200 || r.body() == null || !r.body().isObject()) {
            throw new IOException(server + " answered " + r.status());
        }
        return r.body();
    }

    /** The devices of a {@code /user/keys/query} answer that are the user's and fit the schema. */
    private static ObjectNode validDevices(String userId, JsonNode devices) {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        devices.properties().forEach(d -> {
            if (validKeys(userId, d.getKey(), d.getValue())) {
                out.set(d.getKey(), d.getValue());
            }
        });
        return out;
    }

    /** Whether {@code keys} are the identity keys of that user's device, in the shape the spec gives them. */
    static boolean validKeys(String userId, String deviceId, JsonNode keys) {
        return keys.isObject() && userId.equals(keys.path("user_id").asText()) && deviceId.equals(keys.path("device_id").asText())
                && fits(keys, DeviceInformation.class);
    }

    private static boolean fits(JsonNode json, Class<?> type) {
        try {
            MatrixJson.convert(json, type);
            return true;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return false;
        }
    }
}
