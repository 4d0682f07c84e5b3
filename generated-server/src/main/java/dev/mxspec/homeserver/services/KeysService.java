package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Changes;
import dev.mxspec.homeserver.core.StreamCache;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.storage.Records.DeviceKeys;
import dev.mxspec.homeserver.storage.Records.OneTimeKey;
import dev.mxspec.homeserver.storage.DeviceKeyStore;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of end-to-end encryption (the Client-Server API's key management): devices upload
 * their identity, one-time and fallback keys; other users query identity keys and claim one-time
 * keys (each handed out once; a device's fallback key when none is left). Counts for
 * {@code /sync} are kept in memory until an upload or claim changes them.
 */
public final class KeysService {

    /** What {@code /sync} tells a device about its own keys. */
    public record Counts(Map<String, Long> oneTimeKeys, List<String> unusedFallbackTypes) {}

    private final DeviceKeyStore storage;
    private final StreamCounter stream;
    private final DeviceLists deviceLists;
    private final String serverName;
    private final StreamCache<Counts> counts;

    public KeysService(DeviceKeyStore storage, StreamCounter stream, DeviceLists deviceLists, String serverName) {
        this.storage = storage;
        this.stream = stream;
        this.deviceLists = deviceLists;
        this.serverName = serverName;
        this.counts = new StreamCache<>(stream);
    }

    /** {@code POST /keys/upload}: the device's unclaimed one-time keys by algorithm after the upload. */
    public Map<String, Long> upload(Caller caller, Optional<JsonNode> deviceKeys, Optional<JsonNode> oneTimeKeys,
            Optional<JsonNode> fallbackKeys) {
        String user = caller.userId();
        String device = caller.deviceId();
        boolean identityChanged = false;
        if (deviceKeys.isPresent()) {
            JsonNode keys = deviceKeys.get();
            if (!keys.path("user_id").asText().equals(user) || !keys.path("device_id").asText().equals(device)) {
                throw MatrixException.invalidParam("device_keys", "user_id and device_id must be the caller's: " + user + ", " + device);
            }
            String json = MatrixJson.write(keys);
            identityChanged = storage.deviceKeys(user).stream().filter(k -> k.deviceId().equals(device))
                    .noneMatch(k -> ClientEvents.parse(k.json()).equals(keys));
            if (identityChanged) {
                storage.saveDeviceKeys(user, device, json);
            }
        }
        long pos = stream.next(Changes.keys(user, device));
        try {
            storage.addOneTimeKeys(user, device, keys(oneTimeKeys, "one_time_keys"));
            for (OneTimeKey k : keys(fallbackKeys, "fallback_keys")) {
                storage.saveFallbackKey(user, device, k);
            }
        } finally {
            stream.done(pos);
        }
        if (identityChanged) {
            deviceLists.changed(user);
        }
        return counts(user, device).oneTimeKeys();
    }

    /** {@code POST /keys/query}: identity keys of the asked devices (all of a user's when none are named). */
    public ObjectNode query(Map<String, List<String>> wanted) {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        ObjectNode devices = out.putObject("device_keys");
        ObjectNode failures = out.putObject("failures");
        wanted.forEach((user, deviceIds) -> {
            if (!local(user, failures)) {
                return;
            }
            ObjectNode ofUser = devices.putObject(user);
            for (DeviceKeys k : storage.deviceKeys(user)) {
                if (deviceIds.isEmpty() || deviceIds.contains(k.deviceId())) {
                    ObjectNode keys = (ObjectNode) ClientEvents.parse(k.json());
                    ObjectNode unsigned = keys.withObjectProperty("unsigned"); // always there, as clients expect
                    k.displayName().ifPresent(name -> unsigned.put("device_display_name", name));
                    ofUser.set(k.deviceId(), keys);
                }
            }
        });
        return out;
    }

    /** {@code POST /keys/claim}: one key per asked device and algorithm. */
    public ObjectNode claim(Map<String, Map<String, String>> wanted) {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        ObjectNode claimed = out.putObject("one_time_keys");
        ObjectNode failures = out.putObject("failures");
        wanted.forEach((user, devices) -> {
            if (!local(user, failures)) {
                return;
            }
            devices.forEach((device, algorithm) -> {
                long pos = stream.next(Changes.keys(user, device));
                Optional<OneTimeKey> key;
                try {
                    key = storage.claimOneTimeKey(user, device, algorithm).or(() -> storage.useFallbackKey(user, device, algorithm));
                } finally {
                    stream.done(pos);
                }
                key.ifPresent(k -> claimed.withObjectProperty(user).withObjectProperty(device).set(k.keyId(), ClientEvents.parse(k.json())));
            });
        });
        return out;
    }

    /** Whether a user is of this server; the user's server goes under {@code failures} when not (there is no federation). */
    private boolean local(String userId, ObjectNode failures) {
        if (userId.endsWith(":" + serverName)) {
            return true;
        }
        failures.putObject(userId.substring(userId.indexOf(':') + 1)).put("errcode", "M_UNRECOGNIZED")
                .put("error", "this server does not federate");
        return false;
    }

    /** A device's unclaimed one-time keys and unused fallback key algorithms. */
    public Counts counts(String userId, String deviceId) {
        return counts.get(Changes.keys(userId, deviceId), () -> new Counts(Map.copyOf(storage.oneTimeKeyCounts(userId, deviceId)),
                List.copyOf(storage.unusedFallbackKeyTypes(userId, deviceId))));
    }

    /** Keys named {@code algorithm:id}, each a string or a signed object. */
    private static List<OneTimeKey> keys(Optional<JsonNode> keys, String field) {
        List<OneTimeKey> out = new ArrayList<>();
        keys.ifPresent(k -> k.properties().forEach(e -> {
            int colon = e.getKey().indexOf(':');
            if (colon <= 0 || !(e.getValue().isTextual() || e.getValue().isObject())) {
                throw MatrixException.invalidParam(field, "keys are named algorithm:id and are strings or objects: " + e.getKey());
            }
            out.add(new OneTimeKey(e.getKey(), e.getKey().substring(0, colon), MatrixJson.write(e.getValue())));
        }));
        return out;
    }
}
