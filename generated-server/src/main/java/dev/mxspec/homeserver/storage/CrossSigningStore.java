package dev.mxspec.homeserver.storage;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Cross-signing: users' master, self-signing and user-signing keys (this server's users', and other servers' users'
 * master and self-signing keys while they are followed), the signatures uploaded for keys after them, and the changes
 * only the signing user is told of.
 */
public interface CrossSigningStore {

    /** A cross-signing key of {@code usage} ({@code master}, {@code self_signing}, {@code user_signing}): the signed JSON object. */
    record CrossSigningKey(String userId, String usage, String keyId, String json) {}

    /**
     * {@code signerId}'s key {@code signingKeyId} signed {@code targetUserId}'s key {@code targetKeyId} (a device ID, or
     * a master key's public key); {@code signature} is unpadded Base64.
     */
    record KeySignature(String signerId, String signingKeyId, String targetUserId, String targetKeyId, String signature) {}

    /** A user's cross-signing keys, by usage. */
    List<CrossSigningKey> crossSigningKeys(String userId);

    /**
     * Stores a user's keys, each replacing the one of the same usage, in one transaction; the signatures made by a
     * replaced key, and those of a replaced master key, go with it.
     */
    void saveCrossSigningKeys(String userId, List<CrossSigningKey> keys);

    /** Forgets a user's cross-signing keys (another server's user no longer followed). */
    void dropCrossSigningKeys(String userId);

    /** Stores signatures (one already held is replaced). */
    void saveKeySignatures(List<KeySignature> signatures);

    /** The signatures of {@code targetUserId}'s keys made by that user, and by {@code viewer} when given. */
    List<KeySignature> keySignatures(String targetUserId, Optional<String> viewer);

    /** Records that {@code userId} is to be told that {@code targets} changed, at a stream position (the latest is kept). */
    void userSignatureChanged(String userId, Collection<String> targets, long streamPos);

    /** The users {@code userId} is to be told of, changed after {@code after}, up to {@code upTo}. */
    List<String> userSignatureChangesSince(String userId, long after, long upTo);
}
