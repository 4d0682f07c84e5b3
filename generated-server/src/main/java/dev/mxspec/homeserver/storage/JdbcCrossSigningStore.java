package dev.mxspec.homeserver.storage;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The SQL of {@link CrossSigningStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcCrossSigningStore extends CrossSigningStore {

    Jdbc jdbc();

    @Override
    default List<CrossSigningKey> crossSigningKeys(String userId) {
        return jdbc().query("SELECT user_id, key_usage, key_id, json FROM cross_signing_keys WHERE user_id = ? ORDER BY key_usage",
                rs -> new CrossSigningKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)), userId);
    }

    @Override
    default void saveCrossSigningKeys(String userId, List<CrossSigningKey> keys) {
        jdbc().transaction(c -> {
            for (CrossSigningKey k : keys) {
                List<String> before = Jdbc.query(c, "SELECT key_id FROM cross_signing_keys WHERE user_id = ? AND key_usage = ?",
                        rs -> rs.getString(1), userId, k.usage());
                for (String old : before) {
                    if (old.equals(k.keyId())) {
                        continue;
                    }
                    Jdbc.update(c, "DELETE FROM cross_signing_signatures WHERE signer_id = ? AND signing_key_id = ?", userId, old);
                    if (k.usage().equals("master")) {
                        Jdbc.update(c, "DELETE FROM cross_signing_signatures WHERE target_user_id = ? AND target_key_id = ?", userId,
                                old.substring(old.indexOf(':') + 1));
                    }
                }
                Jdbc.update(c, "INSERT INTO cross_signing_keys (user_id, key_usage, key_id, json) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (user_id, key_usage) DO UPDATE SET key_id = excluded.key_id, json = excluded.json",
                        userId, k.usage(), k.keyId(), k.json());
            }
            return null;
        });
    }

    @Override
    default void dropCrossSigningKeys(String userId) {
        jdbc().update("DELETE FROM cross_signing_keys WHERE user_id = ?", userId);
    }

    @Override
    default void saveKeySignatures(List<KeySignature> signatures) {
        if (signatures.isEmpty()) {
            return;
        }
        jdbc().transaction(c -> {
            for (KeySignature s : signatures) {
                Jdbc.update(c, "INSERT INTO cross_signing_signatures (signer_id, signing_key_id, target_user_id, target_key_id, signature) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (signer_id, signing_key_id, target_user_id, target_key_id) "
                        + "DO UPDATE SET signature = excluded.signature",
                        s.signerId(), s.signingKeyId(), s.targetUserId(), s.targetKeyId(), s.signature());
            }
            return null;
        });
    }

    @Override
    default List<KeySignature> keySignatures(String targetUserId, Optional<String> viewer) {
        return jdbc().query("SELECT signer_id, signing_key_id, target_user_id, target_key_id, signature FROM cross_signing_signatures "
                + "WHERE target_user_id = ? AND (signer_id = ? OR signer_id = ?) ORDER BY target_key_id, signer_id, signing_key_id",
                rs -> new KeySignature(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                targetUserId, targetUserId, viewer.orElse(targetUserId));
    }

    @Override
    default void userSignatureChanged(String userId, Collection<String> targets, long streamPos) {
        jdbc().transaction(c -> {
            for (String target : targets) {
                Jdbc.update(c, "INSERT INTO user_signature_changes (user_id, target_user_id, stream_pos) VALUES (?, ?, ?) "
                        + "ON CONFLICT (user_id, target_user_id) DO UPDATE SET stream_pos = excluded.stream_pos", userId, target, streamPos);
            }
            return null;
        });
    }

    @Override
    default List<String> userSignatureChangesSince(String userId, long after, long upTo) {
        return jdbc().query("SELECT target_user_id FROM user_signature_changes WHERE user_id = ? AND stream_pos > ? AND stream_pos <= ? "
                + "ORDER BY target_user_id", rs -> rs.getString(1), userId, after, upTo);
    }
}
