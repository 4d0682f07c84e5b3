package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.VerifyKey;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * This server's published keys ("Publishing Keys"): the current signing key under {@code verify_keys}, keys it
 * no longer uses under {@code old_verify_keys} with when they expired, valid for a configured time from each
 * answer, signed by the current key.
 */
public final class OwnKeys {

    /**
     * A key this server used before.
     *
     * @param key its public half
     * @param expiredTs when it stopped being used (milliseconds since the epoch)
     */
    public record OldKey(VerifyKey key, long expiredTs) {}

    private final String serverName;
    private final SigningKey key;
    private final List<OldKey> oldKeys;
    private final long validityMs;
    private final LongSupplier clock;

    public OwnKeys(String serverName, SigningKey key, List<OldKey> oldKeys, long validityMs, LongSupplier clock) {
        this.serverName = serverName;
        this.key = key;
        this.oldKeys = List.copyOf(oldKeys);
        this.validityMs = validityMs;
        this.clock = clock;
    }

    public String serverName() {
        return serverName;
    }

    public SigningKey signingKey() {
        return key;
    }

    /** The keys this server used before. */
    public List<OldKey> oldKeys() {
        return oldKeys;
    }

    /** The signed answer of {@code GET /_matrix/key/v2/server}. */
    public ObjectNode response() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("server_name", serverName);
        json.putObject("verify_keys").putObject(key.keyId()).put("key", key.publicKeyBase64());
        ObjectNode old = json.putObject("old_verify_keys");
        for (OldKey k : oldKeys) {
            old.putObject(k.key().keyId()).put("key", k.key().publicKey()).put("expired_ts", k.expiredTs());
        }
        json.put("valid_until_ts", clock.getAsLong() + validityMs);
        return JsonSigning.sign(json, serverName, key);
    }

    /** Adds this server's signature to {@code json} (a notary's answer). */
    public ObjectNode countersign(ObjectNode json) {
        return JsonSigning.sign(json, serverName, key);
    }
}
