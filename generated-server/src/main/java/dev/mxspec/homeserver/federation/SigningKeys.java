package dev.mxspec.homeserver.federation;

import dev.mxspec.homeserver.core.FederationSettings;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.VerifyKey;
import dev.mxspec.homeserver.storage.ServerKeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * This server's signing keys ("Publishing Keys"): the key of the configured version, made and stored on the first
 * start with that version; every other stored key stops being used then (its {@code expired_ts}), and is published
 * from then on as an old key, with the old keys the configuration names. Rotating the key is naming a new version.
 */
public final class SigningKeys {

    /**
     * The keys as loaded.
     *
     * @param current the key this server signs with
     * @param old the keys it signed with before, with when each stopped being used
     */
    public record Loaded(SigningKey current, List<OwnKeys.OldKey> old) {}

    private SigningKeys() {}

    /** The key of {@code settings}' version (made now when there is none) and the old keys, expiring keys replaced now. */
    public static Loaded load(ServerKeyStore store, FederationSettings settings, LongSupplier clock) {
        String keyId = SigningKey.ALGORITHM + ":" + settings.signingKeyVersion();
        SigningKey current = store.signingSeed(keyId).map(SigningKey::decode).orElseGet(() -> {
            SigningKey key = SigningKey.generate(settings.signingKeyVersion());
            store.saveSigningSeed(keyId, key.encode(), clock.getAsLong());
            return key;
        });
        long now = clock.getAsLong();
        List<OwnKeys.OldKey> old = new ArrayList<>();
        for (ServerKeyStore.StoredSigningKey stored : store.signingKeys()) {
            if (stored.keyId().equals(keyId)) {
                continue;
            }
            if (stored.expiredTs().isEmpty()) {
                store.expireSigningKey(stored.keyId(), now);
            }
            old.add(new OwnKeys.OldKey(SigningKey.decode(stored.seed()).verifyKey(), stored.expiredTs().orElse(now)));
        }
        for (Map.Entry<String, FederationSettings.OldVerifyKey> k : settings.oldVerifyKeys().entrySet()) {
            if (!k.getKey().equals(keyId) && old.stream().noneMatch(o -> o.key().keyId().equals(k.getKey()))) {
                old.add(new OwnKeys.OldKey(VerifyKey.of(k.getKey(), k.getValue().key()), k.getValue().expiredTs()));
            }
        }
        return new Loaded(current, List.copyOf(old));
    }
}
