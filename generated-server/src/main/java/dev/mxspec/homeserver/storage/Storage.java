package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.AccessToken;
import dev.mxspec.homeserver.storage.Records.AccountData;
import dev.mxspec.homeserver.storage.Records.Device;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.DeviceKeys;
import dev.mxspec.homeserver.storage.Records.OneTimeKey;
import dev.mxspec.homeserver.storage.Records.Presence;
import dev.mxspec.homeserver.storage.Records.Receipt;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.ToDevice;
import dev.mxspec.homeserver.storage.Records.User;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the homeserver keeps, behind one interface with two implementations: SQLite (the
 * embedded default) and PostgreSQL. Schema migrations run with Flyway when a storage opens.
 */
public interface Storage extends AutoCloseable {

    // --- server keys
    Optional<String> signingSeed(String keyId);

    void saveSigningSeed(String keyId, String seed, long createdTs);

    // --- accounts
    Optional<User> user(String userId);

    /** Creates the user; false when the user ID is taken. */
    boolean createUser(User user);

    void setPassword(String userId, String passwordHash);

    void setProfile(String userId, Optional<String> displayname, Optional<String> avatarUrl);

    void deactivate(String userId);

    void saveDevice(Device device);

    Optional<Device> device(String userId, String deviceId);

    List<Device> devices(String userId);

    void deleteDevice(String userId, String deviceId);

    void saveAccessToken(AccessToken token);

    Optional<AccessToken> accessToken(String tokenHash);

    void deleteAccessToken(String tokenHash);

    void deleteTokensOfDevice(String userId, String deviceId);

    void deleteTokensOfUser(String userId);

    void saveRefreshToken(String tokenHash, String userId, String deviceId);

    /** Takes a refresh token: returns its user and device and deletes it (refresh tokens are single-use). */
    Optional<String[]> takeRefreshToken(String tokenHash);

    void saveLoginToken(String tokenHash, String userId, long expiresTs);

    /** Takes a login token: its user when it exists and has not expired, deleting it either way. */
    Optional<String> takeLoginToken(String tokenHash, long now);

    // --- rooms and events
    void createRoom(Room room);

    Optional<Room> room(String roomId);

    List<Room> publishedRooms();

    void setPublished(String roomId, boolean published);

    /**
     * Persists an event and, in the same transaction, its transaction ID and the current state and
     * membership it sets. False, storing nothing, when the sender's device used the transaction ID
     * before ({@link #txnEvent} has that event).
     */
    boolean persistEvent(StoredEvent event, Optional<Membership> membership);

    Optional<StoredEvent> event(String eventId);

    /** Events of a room between stream positions (exclusive, inclusive), newest first when {@code backwards}. */
    List<StoredEvent> roomEvents(String roomId, long after, long upTo, int limit, boolean backwards);

    /** The current state of a room: (type, state_key) to event ID. */
    Map<List<String>, String> currentState(String roomId);

    /** The state of a room as it was at a stream position (after the event there): (type, state_key) to event ID. */
    Map<List<String>, String> stateAt(String roomId, long position);

    /** Every state event of the given types a room ever had, in stream order (history visibility and memberships over time). */
    List<StoredEvent> stateEventsOfTypes(String roomId, List<String> types);

    List<StoredEvent> events(List<String> eventIds);

    void markRedacted(String eventId, String redactedBy, String redactedJson);

    List<Membership> membershipsOfUser(String userId);

    List<Membership> membersOfRoom(String roomId);

    Optional<String> txnEvent(String userId, String deviceId, String txnId);

    void saveTxn(String userId, String deviceId, String txnId, String eventId);

    Optional<String> alias(String alias);

    /** Creates an alias; false when it exists. */
    boolean createAlias(String alias, String roomId, String creator);

    boolean deleteAlias(String alias);

    /** The user who created an alias. */
    Optional<String> aliasCreator(String alias);

    List<String> aliasesOf(String roomId);

    // --- per-user streams
    void saveAccountData(AccountData data);

    Optional<AccountData> accountData(String userId, String roomId, String type);

    List<AccountData> accountDataSince(String userId, long after);

    void saveReceipt(Receipt receipt);

    List<Receipt> receiptsSince(List<String> roomIds, long after);

    void saveFilter(String userId, String filterId, String json);

    Optional<String> filter(String userId, String filterId);

    void saveToDevice(ToDevice message);

    List<ToDevice> toDeviceSince(String userId, String deviceId, long after, int limit);

    void deleteToDeviceUpTo(String userId, String deviceId, long upTo);

    /** Stores a device's identity keys (the signed {@code device_keys} object as JSON), replacing earlier ones. */
    void saveDeviceKeys(String userId, String deviceId, String json);

    /** The identity keys of a user's devices that still exist, with their display names. */
    List<DeviceKeys> deviceKeys(String userId);

    /** Adds one-time keys; a key ID already held is kept as it was. */
    void addOneTimeKeys(String userId, String deviceId, List<OneTimeKey> keys);

    /** Unclaimed one-time keys of a device, by algorithm. */
    Map<String, Long> oneTimeKeyCounts(String userId, String deviceId);

    /** Takes (deletes and returns) one one-time key of an algorithm; each key is handed out once. */
    Optional<OneTimeKey> claimOneTimeKey(String userId, String deviceId, String algorithm);

    /** Stores a device's fallback key for its algorithm, unused, replacing the earlier one. */
    void saveFallbackKey(String userId, String deviceId, OneTimeKey key);

    /** The fallback key of an algorithm, marked used (it stays, for later claims). */
    Optional<OneTimeKey> useFallbackKey(String userId, String deviceId, String algorithm);

    /** The algorithms of a device's fallback keys not yet handed out. */
    List<String> unusedFallbackKeyTypes(String userId, String deviceId);

    /** Records that a user's device list changed at a stream position (only the latest is kept). */
    void deviceListChanged(String userId, long streamPos);

    /**
     * Those of {@code userIds} whose device list last changed after {@code after}, up to
     * {@code upTo} (a user whose latest change is after {@code upTo} is reported by a later read).
     */
    List<String> deviceListsChangedSince(List<String> userIds, long after, long upTo);

    void savePresence(Presence presence);

    List<Presence> presenceSince(List<String> userIds, long after);

    Optional<Presence> presence(String userId);

    /** The highest stream position used by any stream, to continue from after a restart. */
    long maxStreamPos();

    @Override
    void close();
}
