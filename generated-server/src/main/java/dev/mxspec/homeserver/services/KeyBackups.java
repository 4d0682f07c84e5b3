package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.KeyLocks;
import dev.mxspec.homeserver.storage.KeyBackupStore;
import dev.mxspec.homeserver.storage.KeyBackupStore.BackedUpKey;
import dev.mxspec.homeserver.storage.KeyBackupStore.BackupState;
import dev.mxspec.homeserver.storage.KeyBackupStore.BackupVersion;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.PathGrammar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Server-side key backups ("Server-side key backups" of the end-to-end encryption module): a user's backup versions,
 * numbered {@code "1"}, {@code "2"}, ... and never reused; keys go only into the latest version that is not deleted
 * ({@code 403 M_WRONG_ROOM_KEYS_VERSION} with {@code current_version} for another one), and a key for a session
 * the backup holds a key for replaces it only by the spec's rule ({@link #replaces}). The {@code etag} of a version
 * changes whenever its keys do. Everything is the caller's own: another user's versions are not found.
 */
public final class KeyBackups {

    /** The error of a key upload to a version that is not the latest. */
    public static final String M_WRONG_ROOM_KEYS_VERSION = "M_WRONG_ROOM_KEYS_VERSION";

    /** Version numbers as this server gives them: a positive decimal integer, without leading zeros. */
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");

    /** A version as {@code GET /room_keys/version} describes it. */
    public record Info(String version, String algorithm, JsonNode authData, long count, String etag) {}

    /** A version's {@code etag} and {@code count} after a change of its keys. */
    public record Change(String etag, long count) {}

    /**
     * A key offered for a room and session.
     *
     * @param key the whole {@code KeyBackupData} object, kept as it is (with {@code session_data} and any further fields)
     */
    public record Offered(String roomId, String sessionId, long firstMessageIndex, long forwardedCount, boolean verified, JsonNode key) {}

    private final KeyBackupStore store;
    /** A user's writes one at a time: a key upload must not interleave with a new version or a deletion. */
    private final KeyLocks locks = new KeyLocks(64);

    public KeyBackups(KeyBackupStore store) {
        this.store = store;
    }

    /** A new version, which becomes the one keys go into; its number. */
    public String create(String userId, String algorithm, JsonNode authData) {
        synchronized (locks.of(userId)) {
            return Long.toString(store.createBackupVersion(userId, algorithm, MatrixJson.write(authData)));
        }
    }

    /** The latest version that is not deleted; 404 {@code M_NOT_FOUND} when there is none. */
    public Info latest(String userId) {
        return info(userId, store.latestBackupVersion(userId).orElseThrow(() -> notFound("no current backup version")));
    }

    /** A version of the caller's; 404 {@code M_NOT_FOUND} when it is deleted or never was. */
    public Info info(String userId, String version) {
        return info(userId, existing(userId, version));
    }

    /**
     * Replaces the {@code auth_data} of a version; nothing else of it can change: 400 {@code M_INVALID_PARAM} for
     * another algorithm, or a {@code version} in the body other than the path's.
     */
    public void update(String userId, String version, Optional<String> versionInBody, String algorithm, JsonNode authData) {
        if (versionInBody.isPresent() && !versionInBody.get().equals(version)) {
            throw MatrixException.invalidParam("version", "the version in the body does not match the version in the path");
        }
        synchronized (locks.of(userId)) {
            BackupVersion held = existing(userId, version);
            if (!held.algorithm().equals(algorithm)) {
                throw MatrixException.invalidParam("algorithm", "does not match the algorithm of the backup (" + held.algorithm() + ")");
            }
            if (!store.updateBackupAuthData(userId, held.version(), MatrixJson.write(authData))) {
                throw notFound("unknown backup version");
            }
        }
    }

    /** Deletes a version and its keys; a version deleted before is deleted again, one that never was is 404. */
    public void delete(String userId, String version) {
        long number = number(version).orElseThrow(() -> notFound("unknown backup version"));
        synchronized (locks.of(userId)) {
            if (!store.deleteBackupVersion(userId, number)) {
                throw notFound("unknown backup version");
            }
        }
    }

    /** The keys of a version (of one room, or one session, when given): room ID to session ID to key. */
    public Map<String, Map<String, JsonNode>> keys(String userId, String version, Optional<String> roomId, Optional<String> sessionId) {
        BackupVersion held = existing(userId, version);
        Map<String, Map<String, JsonNode>> rooms = new LinkedHashMap<>();
        for (BackedUpKey k : store.backedUpKeys(userId, held.version(), roomId, sessionId)) {
            rooms.computeIfAbsent(k.roomId(), r -> new LinkedHashMap<>()).put(k.sessionId(), parse(k.json()));
        }
        return rooms;
    }

    /**
     * Stores keys in the latest version, each replacing the key held for its session only when {@link #replaces}
     * says so: 404 when the version is deleted or never was, 403 {@code M_WRONG_ROOM_KEYS_VERSION} (with
     * {@code current_version}) when it is not the latest.
     */
    public Change put(String userId, String version, List<Offered> keys) {
        List<BackedUpKey> rows = keys.stream().map(KeyBackups::checked).toList();
        Optional<Long> number = number(version);
        synchronized (locks.of(userId)) {
            BackupVersion current = store.latestBackupVersion(userId).orElseThrow(() -> notFound("unknown backup version " + version));
            if (number.isEmpty() || number.get() != current.version()) {
                if (number.isEmpty() || store.backupVersion(userId, number.get()).isEmpty()) {
                    throw notFound("unknown backup version " + version);
                }
                ObjectNode extra = MatrixJson.mapper().createObjectNode().put("current_version", Long.toString(current.version()));
                throw new MatrixException(403, M_WRONG_ROOM_KEYS_VERSION, "keys go only into the current backup version", extra);
            }
            return change(store.putBackedUpKeys(userId, current.version(), rows, KeyBackups::replaces));
        }
    }

    /** Deletes the keys of a version (of one room, or one session, when given). */
    public Change deleteKeys(String userId, String version, Optional<String> roomId, Optional<String> sessionId) {
        synchronized (locks.of(userId)) {
            BackupVersion held = existing(userId, version);
            return change(store.deleteBackedUpKeys(userId, held.version(), roomId, sessionId));
        }
    }

    /**
     * Whether an offered key replaces the key held for its session, by the spec's rule: the verified one is kept when
     * they differ in {@code is_verified}; else the one with the lower {@code first_message_index}; else the one with
     * the lower {@code forwarded_count}; else the held one.
     */
    public static boolean replaces(BackedUpKey held, BackedUpKey offered) {
        if (held.verified() != offered.verified()) {
            return offered.verified();
        }
        if (held.firstMessageIndex() != offered.firstMessageIndex()) {
            return offered.firstMessageIndex() < held.firstMessageIndex();
        }
        return offered.forwardedCount() < held.forwardedCount();
    }

    private Info info(String userId, BackupVersion v) {
        return new Info(Long.toString(v.version()), v.algorithm(), parse(v.authData()), store.backedUpKeyCount(userId, v.version()),
                Long.toString(v.etag()));
    }

    private BackupVersion existing(String userId, String version) {
        return number(version).flatMap(n -> store.backupVersion(userId, n)).orElseThrow(() -> notFound("unknown backup version"));
    }

    /** A key as stored, once its room and session IDs and its counts are checked. */
    private static BackedUpKey checked(Offered k) {
        PathGrammar.check("rooms", "roomId", k.roomId());
        PathGrammar.check("sessions", "sessionId", k.sessionId());
        if (k.sessionId().isEmpty()) {
            throw MatrixException.invalidParam("sessions", "an empty session ID");
        }
        if (k.firstMessageIndex() < 0 || k.forwardedCount() < 0) {
            throw MatrixException.invalidParam(k.firstMessageIndex() < 0 ? "first_message_index" : "forwarded_count", "must not be negative");
        }
        return new BackedUpKey(k.roomId(), k.sessionId(), k.firstMessageIndex(), k.forwardedCount(), k.verified(), MatrixJson.write(k.key()));
    }

    private static Optional<Long> number(String version) {
        return VERSION.matcher(version).matches() ? Optional.of(Long.parseLong(version)) : Optional.empty();
    }

    private static Change change(BackupState state) {
        return new Change(Long.toString(state.etag()), state.count());
    }

    private static JsonNode parse(String json) {
        try {
            return MatrixJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored backup JSON does not parse", e);
        }
    }

    private static MatrixException notFound(String why) {
        return new MatrixException(404, ErrorCodes.M_NOT_FOUND, why);
    }
}
