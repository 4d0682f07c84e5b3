package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.DeviceKeys;
import dev.mxspec.homeserver.storage.Records.OneTimeKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** End-to-end keys: device identity keys, one-time and fallback keys, device list changes. */
public interface DeviceKeyStore {

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
}
