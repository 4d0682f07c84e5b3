package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.AccessToken;
import dev.mxspec.homeserver.storage.Records.Device;
import dev.mxspec.homeserver.storage.Records.User;
import java.util.List;
import java.util.Optional;

/** Accounts, their devices and every kind of token (access, refresh, login), stored as hashes. */
public interface AccountStore {

    Optional<User> user(String userId);

    /** Creates the user; false when the user ID is taken. */
    boolean createUser(User user);

    void setPassword(String userId, String passwordHash);

    /** Marks the account a guest's, or a full account (a guest's upgrade). */
    void setGuest(String userId, boolean guest);

    /** Whether the account is a guest's; false for an unknown user. */
    boolean isGuest(String userId);

    void setProfile(String userId, Optional<String> displayname, Optional<String> avatarUrl);

    void deactivate(String userId);

    void saveDevice(Device device);

    Optional<Device> device(String userId, String deviceId);

    List<Device> devices(String userId);

    /** Removes a device with its tokens, end-to-end keys and the pushers it set. */
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
}
