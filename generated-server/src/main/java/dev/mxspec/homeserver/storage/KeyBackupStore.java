package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Server-side key backups: each user's backup versions (numbered per user, never reused) and the room keys each
 * holds, one per room and megolm session. Every read and write names the user, so a user reaches only his own.
 */
public interface KeyBackupStore {

    /**
     * A backup version that is not deleted.
     *
     * @param authData the {@code auth_data} object as JSON
     * @param etag how many times its keys changed
     */
    record BackupVersion(long version, String algorithm, String authData, long etag) {}

    /**
     * A room key in a backup.
     *
     * @param json the whole {@code KeyBackupData} object as uploaded
     */
    record BackedUpKey(String roomId, String sessionId, long firstMessageIndex, long forwardedCount, boolean verified, String json) {}

    /** A backup's etag and number of keys, after a change. */
    record BackupState(long etag, long count) {}

    /** A new version, numbered one above the highest the user ever had (deleted ones included); its number. */
    long createBackupVersion(String userId, String algorithm, String authData);

    /** A version of the user's, unless it is deleted or never was. */
    Optional<BackupVersion> backupVersion(String userId, long version);

    /** The user's highest version that is not deleted. */
    Optional<BackupVersion> latestBackupVersion(String userId);

    /** How many keys a version holds. */
    long backedUpKeyCount(String userId, long version);

    /** Replaces the {@code auth_data} of a version that is not deleted; false when there is none. */
    boolean updateBackupAuthData(String userId, long version, String authData);

    /** Marks a version deleted (again, when it is already) and drops its keys; false when the user never had it. */
    boolean deleteBackupVersion(String userId, long version);

    /** The keys of a version, of one room or one session when given, by room and session. */
    List<BackedUpKey> backedUpKeys(String userId, long version, Optional<String> roomId, Optional<String> sessionId);

    /**
     * Stores keys in a version, in one transaction: a key for a session the version has no key for is added, one for a
     * session it has replaces the held key only when {@code replaces.test(held, offered)}; the etag counts up once when
     * anything changed.
     */
    BackupState putBackedUpKeys(String userId, long version, List<BackedUpKey> keys, BiPredicate<BackedUpKey, BackedUpKey> replaces);

    /** Drops the keys of a version, of one room or one session when given; the etag counts up when any were dropped. */
    BackupState deleteBackedUpKeys(String userId, long version, Optional<String> roomId, Optional<String> sessionId);

    /** Drops every version and key of a user (a deactivated account). */
    void deleteKeyBackups(String userId);
}
