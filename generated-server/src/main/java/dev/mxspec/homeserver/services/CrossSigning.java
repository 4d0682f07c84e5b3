package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.KeyLocks;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.VerifyKey;
import dev.mxspec.homeserver.storage.AccountStore;
import dev.mxspec.homeserver.storage.CrossSigningStore;
import dev.mxspec.homeserver.storage.CrossSigningStore.CrossSigningKey;
import dev.mxspec.homeserver.storage.CrossSigningStore.KeySignature;
import dev.mxspec.homeserver.storage.DeviceKeyStore;
import dev.mxspec.homeserver.storage.Records.DeviceKeys;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Cross-signing (the end-to-end encryption module's "Cross-signing"): a user's master key, the self-signing key it
 * signs (which signs the user's devices) and the user-signing key it signs (which signs other users' master keys).
 * Keys are checked before they are kept: the caller's, of the right usage, exactly one ed25519 key named after its
 * public key, the self-signing and user-signing keys signed by the master key (the one uploaded with them, else the
 * stored one), no public key equal to one of the user's device IDs. Uploaded signatures are checked against the keys
 * they name and the signed object kept here, then merged into that object whenever it is read, for those who may see
 * them: everyone sees a user's signatures of their own keys, only the signer those of other users' master keys.
 * <p>
 * A change of the master or self-signing key (or of their signatures) is a device list change of the user
 * ({@link DeviceLists#changed}) and is told to {@link #onChange} listeners (federation sends it to other servers);
 * a change of the user-signing key, and signatures of other users' master keys, are told to the signing user only
 * ({@link DeviceLists#changedFor}).
 */
public final class CrossSigning {

    public static final String MASTER = "master";
    public static final String SELF_SIGNING = "self_signing";
    public static final String USER_SIGNING = "user_signing";

    /** What {@code /keys/signatures/upload} answers when a signature is wrong. */
    public static final String M_INVALID_SIGNATURE = "M_INVALID_SIGNATURE";

    private static final List<String> USAGES = List.of(MASTER, SELF_SIGNING, USER_SIGNING);

    /** The keys of one {@code /keys/device_signing/upload}, each optional. */
    public record Upload(Optional<ObjectNode> master, Optional<ObjectNode> selfSigning, Optional<ObjectNode> userSigning) {

        Map<String, ObjectNode> byUsage() {
            Map<String, ObjectNode> out = new TreeMap<>();
            master.ifPresent(k -> out.put(MASTER, k));
            selfSigning.ifPresent(k -> out.put(SELF_SIGNING, k));
            userSigning.ifPresent(k -> out.put(USER_SIGNING, k));
            return out;
        }
    }

    private final CrossSigningStore store;
    private final DeviceKeyStore deviceKeys;
    private final AccountStore accounts;
    private final DeviceLists deviceLists;
    private final String serverName;
    private final KeyLocks locks = new KeyLocks(64);
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile KeysService.RemoteKeys remote;

    public CrossSigning(CrossSigningStore store, DeviceKeyStore deviceKeys, AccountStore accounts, DeviceLists deviceLists,
            String serverName) {
        this.store = store;
        this.deviceKeys = deviceKeys;
        this.accounts = accounts;
        this.deviceLists = deviceLists;
        this.serverName = serverName;
    }

    /** Told the user ID after a local user's master or self-signing key, or their signatures, changed. */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Other servers' users' master keys (to check signatures of them) are asked of their servers through {@code remote}. */
    public void remoteKeys(KeysService.RemoteKeys remote) {
        this.remote = remote;
    }

    /**
     * {@code POST /keys/device_signing/upload}: checks and stores the keys. {@code authenticate} is run (and may throw
     * the 401 of user-interactive authentication) when the upload replaces keys: when the user has a master key and
     * the upload holds a key that differs from the stored one; the first upload, and one that repeats the stored
     * keys, go through without it.
     */
    public void upload(String userId, Upload upload, Runnable authenticate) {
        Map<String, ObjectNode> uploaded = upload.byUsage();
        boolean publicChange;
        boolean userSigningChange;
        synchronized (locks.of(userId)) {
            Map<String, CrossSigningKey> stored = byUsage(store.crossSigningKeys(userId));
            Set<String> changed = new TreeSet<>();
            uploaded.forEach((usage, key) -> {
                if (!stored.containsKey(usage) || !ClientEvents.parse(stored.get(usage).json()).equals(key)) {
                    changed.add(usage);
                }
            });
            if (stored.containsKey(MASTER) && !changed.isEmpty()) {
                authenticate.run();
            }
            List<CrossSigningKey> keep = check(userId, uploaded, stored);
            store.saveCrossSigningKeys(userId, keep.stream().filter(k -> changed.contains(k.usage())).toList());
            publicChange = changed.contains(MASTER) || changed.contains(SELF_SIGNING);
            userSigningChange = changed.contains(USER_SIGNING);
        }
        if (publicChange) {
            deviceLists.changed(userId);
            listeners.forEach(l -> l.accept(userId));
        }
        if (userSigningChange) {
            deviceLists.changedFor(userId, List.of(userId));
        }
    }

    /** The keys of an upload, checked, in the order master, self-signing, user-signing. */
    private List<CrossSigningKey> check(String userId, Map<String, ObjectNode> uploaded, Map<String, CrossSigningKey> stored) {
        List<CrossSigningKey> out = new ArrayList<>();
        VerifyKey master;
        if (uploaded.containsKey(MASTER)) {
            master = checked(userId, MASTER, uploaded.get(MASTER));
            out.add(new CrossSigningKey(userId, MASTER, master.keyId(), MatrixJson.write(uploaded.get(MASTER))));
        } else if (stored.containsKey(MASTER)) {
            master = VerifyKey.of(stored.get(MASTER).keyId(), publicKey(stored.get(MASTER)));
        } else {
            throw new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "no master key: upload one with the other keys");
        }
        for (String usage : List.of(SELF_SIGNING, USER_SIGNING)) {
            ObjectNode key = uploaded.get(usage);
            if (key == null) {
                continue;
            }
            VerifyKey checked = checked(userId, usage, key);
            if (!verifies(key, userId, master)) {
                throw new MatrixException(400, M_INVALID_SIGNATURE, "the " + usage + " key is not signed by the master key "
                        + master.keyId());
            }
            out.add(new CrossSigningKey(userId, usage, checked.keyId(), MatrixJson.write(key)));
        }
        Set<String> devices = new TreeSet<>();
        accounts.devices(userId).forEach(d -> devices.add(d.deviceId()));
        for (CrossSigningKey k : out) {
            if (devices.contains(publicKey(k))) {
                throw MatrixException.forbidden("key ID in use: the public key of the " + k.usage() + " key is a device ID");
            }
        }
        return out;
    }

    /** The key of a checked cross-signing key: the user's, of its usage, one ed25519 key named after its public key. */
    private static VerifyKey checked(String userId, String usage, JsonNode key) {
        String field = usage + "_key";
        if (!userId.equals(key.path("user_id").asText(null))) {
            throw MatrixException.invalidParam(field, "user_id must be " + userId);
        }
        if (!usageIs(key, usage)) {
            throw MatrixException.invalidParam(field, "usage must be [\"" + usage + "\"]");
        }
        return onlyKey(key).orElseThrow(() -> MatrixException.invalidParam(field,
                "keys must hold exactly one ed25519 key, named ed25519:<its unpadded Base64 public key>"));
    }

    /** Whether the key's {@code usage} names {@code usage} and no other cross-signing usage. */
    private static boolean usageIs(JsonNode key, String usage) {
        boolean found = false;
        for (JsonNode u : key.path("usage")) {
            if (u.asText().equals(usage)) {
                found = true;
            } else if (USAGES.contains(u.asText())) {
                return false;
            }
        }
        return found;
    }

    /** The only key of a cross-signing key, when it holds exactly one ed25519 key named after its public key. */
    private static Optional<VerifyKey> onlyKey(JsonNode key) {
        JsonNode keys = key.path("keys");
        if (!keys.isObject() || keys.size() != 1) {
            return Optional.empty();
        }
        Map.Entry<String, JsonNode> only = keys.properties().iterator().next();
        if (!only.getValue().isTextual() || !only.getKey().equals(SigningKey.ALGORITHM + ":" + only.getValue().asText())) {
            return Optional.empty();
        }
        try {
            return Optional.of(VerifyKey.of(only.getKey(), only.getValue().asText()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code userId}'s key of {@code usage} as another server gave it, when it fits: that user's, of that usage, one
     * ed25519 key named after its public key.
     */
    public static Optional<CrossSigningKey> valid(String userId, String usage, JsonNode key) {
        if (key == null || !key.isObject() || !userId.equals(key.path("user_id").asText(null)) || !usageIs(key, usage)) {
            return Optional.empty();
        }
        return onlyKey(key).map(k -> new CrossSigningKey(userId, usage, k.keyId(), MatrixJson.write(key)));
    }

    /** Whether {@code json} carries {@code signer}'s valid signature by {@code key}. */
    static boolean verifies(ObjectNode json, String signer, VerifyKey key) {
        return JsonSigning.verify(json, signer, ServerKeys.of(signer, key)).isVerified();
    }

    /** Whether the self-signing key {@code selfSigning} is signed by {@code master} (both of another server's user). */
    public static boolean signedBy(CrossSigningKey selfSigning, CrossSigningKey master) {
        return verifies((ObjectNode) ClientEvents.parse(selfSigning.json()), master.userId(),
                VerifyKey.of(master.keyId(), publicKey(master)));
    }

    /** The public key of a stored key (its key ID without {@code ed25519:}). */
    public static String publicKey(CrossSigningKey key) {
        return key.keyId().substring(key.keyId().indexOf(':') + 1);
    }

    private static Map<String, CrossSigningKey> byUsage(List<CrossSigningKey> keys) {
        Map<String, CrossSigningKey> out = new TreeMap<>();
        keys.forEach(k -> out.put(k.usage(), k));
        return out;
    }

    /** A refused signature: its entry under {@code failures}. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient ObjectNode error;

        Refused(String errcode, String message) {
            super(message, null, false, false);
            this.error = MatrixJson.mapper().createObjectNode().put("errcode", errcode).put("error", message);
        }
    }

    /**
     * {@code POST /keys/signatures/upload}: of the caller's own keys, signatures of their devices by their
     * self-signing key and of their master key by their devices; of other users' keys, signatures of their master key
     * by the caller's user-signing key. Each signed object must be the stored key with the new signature (other
     * signatures aside) and each signature must verify; those that do are stored, the others answered under the
     * returned {@code failures} (user ID, then key ID, to an error).
     */
    public ObjectNode uploadSignatures(String userId, Map<String, Map<String, JsonNode>> signed) {
        ObjectNode failures = MatrixJson.mapper().createObjectNode();
        List<KeySignature> accepted = new ArrayList<>();
        boolean ownChanged = false;
        boolean masterChanged = false;
        Set<String> othersSigned = new TreeSet<>();
        Map<String, Optional<CrossSigningKey>> otherMasters = new TreeMap<>(); // asked before the lock: another server may be slow
        signed.keySet().stream().filter(u -> !u.equals(userId)).forEach(u -> otherMasters.put(u, masterKeyOf(u)));
        synchronized (locks.of(userId)) {
            Map<String, CrossSigningKey> own = byUsage(store.crossSigningKeys(userId));
            for (Map.Entry<String, Map<String, JsonNode>> user : signed.entrySet()) {
                if (user.getValue() == null) {
                    continue;
                }
                for (Map.Entry<String, JsonNode> key : user.getValue().entrySet()) {
                    try {
                        if (!(key.getValue() instanceof ObjectNode object)) {
                            throw new Refused(ErrorCodes.M_INVALID_PARAM, "a signed key is a JSON object");
                        }
                        List<KeySignature> checked;
                        if (!user.getKey().equals(userId)) {
                            checked = otherMasterKey(userId, own, user.getKey(), otherMasters.get(user.getKey()), key.getKey(), object);
                            othersSigned.add(user.getKey());
                        } else if (own.containsKey(MASTER) && key.getKey().equals(publicKey(own.get(MASTER)))) {
                            checked = ownMasterKey(userId, own.get(MASTER), object);
                            masterChanged |= !checked.isEmpty();
                        } else {
                            checked = ownDevice(userId, own, key.getKey(), object);
                        }
                        ownChanged |= user.getKey().equals(userId) && !checked.isEmpty();
                        accepted.addAll(checked);
                    } catch (Refused refused) {
                        failures.withObjectProperty(user.getKey()).set(key.getKey(), refused.error);
                    }
                }
            }
            store.saveKeySignatures(accepted);
        }
        if (ownChanged) {
            deviceLists.changed(userId);
        }
        if (masterChanged) {
            listeners.forEach(l -> l.accept(userId));
        }
        deviceLists.changedFor(userId, othersSigned);
        return failures;
    }

    /** A signature of one of the user's devices by their self-signing key. */
    private List<KeySignature> ownDevice(String userId, Map<String, CrossSigningKey> own, String deviceId, ObjectNode signed)
            throws Refused {
        CrossSigningKey selfSigning = own.get(SELF_SIGNING);
        if (selfSigning == null) {
            throw new Refused(ErrorCodes.M_NOT_FOUND, "no self-signing key of " + userId + " to sign devices with");
        }
        JsonNode signature = signed.path("signatures").path(userId).path(selfSigning.keyId());
        if (!signature.isTextual()) {
            throw new Refused(M_INVALID_SIGNATURE, "no signature by the self-signing key " + selfSigning.keyId());
        }
        Optional<DeviceKeys> device = deviceKeys.deviceKeys(userId).stream().filter(k -> k.deviceId().equals(deviceId)).findFirst();
        if (device.isEmpty()) {
            throw new Refused(ErrorCodes.M_NOT_FOUND, "no device " + deviceId + " with keys");
        }
        sameKey(signed, ClientEvents.parse(device.get().json()));
        if (!verifies(signed, userId, VerifyKey.of(selfSigning.keyId(), publicKey(selfSigning)))) {
            throw new Refused(M_INVALID_SIGNATURE, "the signature by the self-signing key does not verify");
        }
        return List.of(new KeySignature(userId, selfSigning.keyId(), userId, deviceId, signature.asText()));
    }

    /** Signatures of the user's master key by their devices (those already held aside). */
    private List<KeySignature> ownMasterKey(String userId, CrossSigningKey master, ObjectNode signed) throws Refused {
        JsonNode signatures = signed.path("signatures").path(userId);
        if (!signatures.isObject() || signatures.isEmpty()) {
            throw new Refused(M_INVALID_SIGNATURE, "no signature of " + userId);
        }
        ObjectNode stored = (ObjectNode) ClientEvents.parse(master.json());
        sameKey(signed, stored);
        JsonNode known = signatures(userId, Optional.empty()).into(publicKey(master), stored.deepCopy()).path("signatures").path(userId);
        Map<String, DeviceKeys> devices = new TreeMap<>();
        deviceKeys.deviceKeys(userId).forEach(k -> devices.put(k.deviceId(), k));
        List<KeySignature> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> signature : signatures.properties()) {
            String keyId = signature.getKey();
            if (signature.getValue().equals(known.get(keyId))) {
                continue; // held already
            }
            String deviceId = keyId.startsWith(SigningKey.ALGORITHM + ":") ? keyId.substring(keyId.indexOf(':') + 1) : "";
            DeviceKeys device = devices.get(deviceId);
            JsonNode publicKey = device == null ? null : ClientEvents.parse(device.json()).path("keys").get(keyId);
            if (!signature.getValue().isTextual() || publicKey == null || !publicKey.isTextual()) {
                throw new Refused(M_INVALID_SIGNATURE, "the master key may be signed by the user's devices only, not by " + keyId);
            }
            VerifyKey key;
            try {
                key = VerifyKey.of(keyId, publicKey.asText());
            } catch (IllegalArgumentException e) {
                throw new Refused(M_INVALID_SIGNATURE, "the device's key " + keyId + " is no ed25519 public key");
            }
            if (!verifies(signed, userId, key)) {
                throw new Refused(M_INVALID_SIGNATURE, "the signature by " + keyId + " does not verify");
            }
            out.add(new KeySignature(userId, keyId, userId, publicKey(master), signature.getValue().asText()));
        }
        return out;
    }

    /** A signature of another user's master key by the user's user-signing key. */
    private List<KeySignature> otherMasterKey(String userId, Map<String, CrossSigningKey> own, String target,
            Optional<CrossSigningKey> targetMaster, String keyId, ObjectNode signed) throws Refused {
        CrossSigningKey userSigning = own.get(USER_SIGNING);
        if (userSigning == null) {
            throw new Refused(ErrorCodes.M_NOT_FOUND, "no user-signing key of " + userId + " to sign other users' keys with");
        }
        CrossSigningKey master = targetMaster.orElseThrow(() -> new Refused(ErrorCodes.M_NOT_FOUND, "no master key of " + target));
        if (!keyId.equals(publicKey(master))) {
            throw new Refused(ErrorCodes.M_NOT_FOUND, "of another user, only the master key " + publicKey(master) + " may be signed");
        }
        JsonNode signature = signed.path("signatures").path(userId).path(userSigning.keyId());
        if (!signature.isTextual()) {
            throw new Refused(M_INVALID_SIGNATURE, "no signature by the user-signing key " + userSigning.keyId());
        }
        sameKey(signed, ClientEvents.parse(master.json()));
        if (!verifies(signed, userId, VerifyKey.of(userSigning.keyId(), publicKey(userSigning)))) {
            throw new Refused(M_INVALID_SIGNATURE, "the signature by the user-signing key does not verify");
        }
        return List.of(new KeySignature(userId, userSigning.keyId(), target, keyId, signature.asText()));
    }

    /** A user's master key: a local user's as stored, another server's user's as their server answers. */
    private Optional<CrossSigningKey> masterKeyOf(String userId) {
        if (local(userId)) {
            return store.crossSigningKeys(userId).stream().filter(k -> k.usage().equals(MASTER)).findFirst();
        }
        KeysService.RemoteKeys r = remote;
        int colon = userId.indexOf(':');
        if (r == null || colon < 0) {
            return Optional.empty();
        }
        try {
            JsonNode answer = r.query(userId.substring(colon + 1), Map.of(userId, List.of()));
            return valid(userId, MASTER, answer.path("master_keys").get(userId));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Refuses a signed object that is not the stored one (signatures and {@code unsigned} aside). */
    private static void sameKey(ObjectNode signed, JsonNode stored) throws Refused {
        ObjectNode a = signed.deepCopy();
        ObjectNode b = stored.deepCopy();
        for (ObjectNode o : List.of(a, b)) {
            o.remove(List.of("signatures", "unsigned"));
        }
        if (!a.equals(b)) {
            throw new Refused(ErrorCodes.M_UNKNOWN, "the signed key does not match the stored one");
        }
    }

    /** The signatures a viewer may see of one user's keys, to merge into them. */
    public record Signatures(List<KeySignature> list) {

        /** {@code json} (the key {@code targetKeyId}: a device ID or a master key's public key) with the signatures of it added. */
        public ObjectNode into(String targetKeyId, ObjectNode json) {
            for (KeySignature s : list) {
                if (s.targetKeyId().equals(targetKeyId)) {
                    json.withObjectProperty("signatures").withObjectProperty(s.signerId()).put(s.signingKeyId(), s.signature());
                }
            }
            return json;
        }
    }

    /** The uploaded signatures of {@code userId}'s keys that {@code viewer} may see (the user's own; the viewer's, when given). */
    public Signatures signatures(String userId, Optional<String> viewer) {
        return new Signatures(store.keySignatures(userId, viewer));
    }

    /**
     * {@code userId}'s key of {@code usage} with the signatures {@code viewer} may see, for a local user or another
     * server's user whose keys are kept; the user-signing key only for the user.
     */
    public Optional<ObjectNode> key(String userId, String usage, Optional<String> viewer) {
        if (usage.equals(USER_SIGNING) && !viewer.equals(Optional.of(userId))) {
            return Optional.empty();
        }
        return store.crossSigningKeys(userId).stream().filter(k -> k.usage().equals(usage)).findFirst()
                .map(k -> signatures(userId, viewer).into(publicKey(k), (ObjectNode) ClientEvents.parse(k.json())));
    }

    /**
     * Adds to a key query's answer the cross-signing keys of {@code userId} (this server's user) with
     * {@code signatures}, those the viewer may see: {@code master_keys} and {@code self_signing_keys}, and
     * {@code user_signing_keys} when the viewer is the user.
     */
    public void addLocalKeys(ObjectNode answer, String userId, Optional<String> viewer, Signatures signatures) {
        for (CrossSigningKey k : store.crossSigningKeys(userId)) {
            if (!k.usage().equals(USER_SIGNING) || viewer.equals(Optional.of(userId))) {
                answer.withObjectProperty(k.usage() + "_keys").set(userId,
                        signatures.into(publicKey(k), (ObjectNode) ClientEvents.parse(k.json())));
            }
        }
    }

    private boolean local(String userId) {
        return userId.endsWith(":" + serverName);
    }
}
