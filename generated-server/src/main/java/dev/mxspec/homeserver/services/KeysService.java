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
 * keys (each handed out once; a device's fallback key when none is left). Queries answer the users'
 * cross-signing keys too, and merge the signatures uploaded after the keys ({@link CrossSigning}). Counts for
 * {@code /sync} are kept in memory until an upload or claim changes them.
 */
public final class KeysService {

    /** What {@code /sync} tells a device about its own keys. */
    public record Counts(Map<String, Long> oneTimeKeys, List<String> unusedFallbackTypes) {}

    private final DeviceKeyStore storage;
    private final StreamCounter stream;
    private final DeviceLists deviceLists;
    private final CrossSigning crossSigning;
    private final String serverName;
    private final StreamCache<Counts> counts;

    public KeysService(DeviceKeyStore storage, StreamCounter stream, DeviceLists deviceLists, CrossSigning crossSigning, String serverName) {
        this.storage = storage;
        this.stream = stream;
        this.deviceLists = deviceLists;
        this.crossSigning = crossSigning;
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

    /**
     * Keys of other servers' users, asked of their servers (federation): each answer is the JSON of the
     * federation API's {@code /user/keys/query} or {@code /user/keys/claim}; an exception when the server could not
     * be reached or answered nonsense.
     */
    public interface RemoteKeys {
        ObjectNode query(String server, Map<String, List<String>> wanted) throws Exception;

        ObjectNode claim(String server, Map<String, Map<String, String>> wanted) throws Exception;
    }

    /** How long other servers are waited for when a request gives no {@code timeout}, as the spec suggests. */
    public static final long DEFAULT_TIMEOUT_MS = 10_000;

    private volatile RemoteKeys remote;

    /** Keys of other servers' users are asked of them through {@code remote}. */
    public void remoteKeys(RemoteKeys remote) {
        this.remote = remote;
    }

    /**
     * {@code POST /keys/query} of {@code viewer}: identity keys of the asked devices (all of a user's when none are
     * named) and the users' cross-signing keys (the user-signing key of the viewer only), with the signatures the
     * viewer may see; other servers asked.
     */
    public ObjectNode query(String viewer, Map<String, List<String>> wanted, long timeoutMs) {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        ObjectNode devices = out.putObject("device_keys");
        ObjectNode failures = out.putObject("failures");
        ObjectNode masters = out.putObject("master_keys");
        ObjectNode selfSigning = out.putObject("self_signing_keys");
        out.putObject("user_signing_keys");
        ObjectNode local = queryLocal(wanted, Optional.of(viewer));
        devices.setAll((ObjectNode) local.get("device_keys"));
        for (String field : List.of("master_keys", "self_signing_keys", "user_signing_keys")) {
            out.withObjectProperty(field).setAll((ObjectNode) local.get(field));
        }
        Map<String, ObjectNode> answers = askServers(remoteByServer(wanted), failures, timeoutMs, (r, server, users) -> r.query(server, users));
        answers.forEach((server, answer) -> {
            copyUsers(answer.path("device_keys"), server, wanted.keySet(), devices);
            copyUsers(answer.path("master_keys"), server, wanted.keySet(), masters);
            copyUsers(answer.path("self_signing_keys"), server, wanted.keySet(), selfSigning);
        });
        masters.properties().forEach(m -> { // the viewer's own signatures of other servers' users' master keys
            if (!local(m.getKey())) {
                CrossSigning.valid(m.getKey(), CrossSigning.MASTER, m.getValue()).ifPresent(k -> crossSigning
                        .signatures(m.getKey(), Optional.of(viewer)).into(CrossSigning.publicKey(k), (ObjectNode) m.getValue()));
            }
        });
        return out;
    }

    /** {@code POST /keys/claim}: one key per asked device and algorithm, other servers asked. */
    public ObjectNode claim(Map<String, Map<String, String>> wanted, long timeoutMs) {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        ObjectNode claimed = out.putObject("one_time_keys");
        ObjectNode failures = out.putObject("failures");
        claimed.setAll((ObjectNode) claimLocal(wanted).get("one_time_keys"));
        Map<String, ObjectNode> answers = askServers(remoteByServer(wanted), failures, timeoutMs, (r, server, users) -> r.claim(server, users));
        answers.forEach((server, answer) -> copyUsers(answer.path("one_time_keys"), server, wanted.keySet(), claimed));
        return out;
    }

    /**
     * The identity keys and cross-signing keys of this server's users among {@code wanted} (the others are left out),
     * with the signatures {@code viewer} may see: the users' own, and the viewer's when given. Without a viewer (another
     * server asks) {@code user_signing_keys} is left out.
     */
    public ObjectNode queryLocal(Map<String, List<String>> wanted, Optional<String> viewer) {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        ObjectNode devices = out.putObject("device_keys");
        out.putObject("master_keys");
        out.putObject("self_signing_keys");
        if (viewer.isPresent()) {
            out.putObject("user_signing_keys");
        }
        wanted.forEach((user, deviceIds) -> {
            if (!local(user)) {
                return;
            }
            ObjectNode ofUser = devices.putObject(user);
            CrossSigning.Signatures signatures = crossSigning.signatures(user, viewer);
            for (DeviceKeys k : storage.deviceKeys(user)) {
                if (deviceIds == null || deviceIds.isEmpty() || deviceIds.contains(k.deviceId())) {
                    ofUser.set(k.deviceId(), signatures.into(k.deviceId(), withDisplayName(k)));
                }
            }
            crossSigning.addLocalKeys(out, user, viewer, signatures);
        });
        return out;
    }

    /** A device's identity keys, its display name under {@code unsigned}. */
    public static ObjectNode withDisplayName(DeviceKeys k) {
        ObjectNode keys = (ObjectNode) ClientEvents.parse(k.json());
        ObjectNode unsigned = keys.withObjectProperty("unsigned"); // always there, as clients expect
        k.displayName().ifPresent(name -> unsigned.put("device_display_name", name));
        return keys;
    }

    /** One-time keys of this server's users among {@code wanted}, each handed out once (the others are left out). */
    public ObjectNode claimLocal(Map<String, Map<String, String>> wanted) {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        ObjectNode claimed = out.putObject("one_time_keys");
        wanted.forEach((user, devices) -> {
            if (!local(user) || devices == null) {
                return;
            }
            devices.forEach((device, algorithm) -> {
                if (algorithm == null) {
                    return;
                }
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

    private interface Ask<T> {
        ObjectNode ask(RemoteKeys remote, String server, Map<String, T> users) throws Exception;
    }

    /** The other servers' users of {@code wanted}, by server. */
    private <T> Map<String, Map<String, T>> remoteByServer(Map<String, T> wanted) {
        Map<String, Map<String, T>> out = new java.util.TreeMap<>();
        wanted.forEach((user, value) -> {
            int colon = user.indexOf(':');
            if (!local(user) && colon > 0 && colon < user.length() - 1) {
                out.computeIfAbsent(user.substring(colon + 1), s -> new java.util.LinkedHashMap<>()).put(user, value);
            }
        });
        return out;
    }

    /**
     * Asks every server at once, waiting at most {@code timeoutMs} for all: the answers by server; a server that
     * failed, answered late or cannot be asked (no federation) goes under {@code failures}.
     */
    private <T> Map<String, ObjectNode> askServers(Map<String, Map<String, T>> byServer, ObjectNode failures, long timeoutMs, Ask<T> ask) {
        Map<String, ObjectNode> answers = new java.util.TreeMap<>();
        if (byServer.isEmpty()) {
            return answers;
        }
        RemoteKeys r = remote;
        if (r == null) {
            byServer.keySet().forEach(server -> failures.putObject(server).put("errcode", "M_UNRECOGNIZED").put("error", "this server does not federate"));
            return answers;
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMs));
        Map<String, java.util.concurrent.Future<ObjectNode>> pending = new java.util.TreeMap<>();
        var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        try {
            byServer.forEach((server, users) -> pending.put(server, executor.submit(() -> ask.ask(r, server, users))));
            pending.forEach((server, future) -> {
                try {
                    answers.put(server, future.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    future.cancel(true);
                    failures.putObject(server).put("errcode", "M_UNKNOWN").put("error", "the server did not answer in time");
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.putObject(server).put("errcode", "M_UNKNOWN").put("error", "the server could not be asked");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.putObject(server).put("errcode", "M_UNKNOWN").put("error", "interrupted");
                }
            });
        } finally {
            executor.shutdownNow(); // a server still being asked is not waited for
        }
        return answers;
    }

    /** Copies from a server's answer the entries of its own users that were asked for (nothing about other users). */
    private static void copyUsers(JsonNode answer, String server, java.util.Set<String> asked, ObjectNode into) {
        answer.properties().forEach(e -> {
            if (e.getValue().isObject() && asked.contains(e.getKey()) && e.getKey().endsWith(":" + server)) {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    private boolean local(String userId) {
        return userId.endsWith(":" + serverName);
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
