package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.core.Namespaces;
import dev.mxspec.homeserver.core.Secrets;
import dev.mxspec.homeserver.storage.Records.AccessToken;
import dev.mxspec.homeserver.storage.Records.Device;
import dev.mxspec.homeserver.storage.Records.User;
import dev.mxspec.homeserver.storage.Storage;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Accounts, devices and access tokens: registration, login, logout, authentication of requests. */
public final class AccountService {

    /** Lifetime of access tokens issued together with a refresh token. */
    static final long REFRESHABLE_TOKEN_MS = 15 * 60 * 1000;
    static final long LOGIN_TOKEN_MS = 2 * 60 * 1000;

    /**
     * What a client gets on register and login.
     *
     * @param refreshToken present when the client asked for one
     * @param expiresInMs the access token's lifetime when it is refreshable
     */
    public record Session(String userId, String deviceId, String accessToken, Optional<String> refreshToken, Optional<Long> expiresInMs) {}

    private final Storage storage;
    private final TokenCache tokenCache = new TokenCache();
    private static final java.security.SecureRandom GUEST_IDS = new java.security.SecureRandom();
    /** Whether users are guests, by user ID. */
    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> guests = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.function.Consumer<String> devicesChanged;
    private final String serverName;
    private final LongSupplier clock;
    private final long refreshableTokenMs;
    /** Failed password logins per account (existing or not); a successful login clears the account's count. */
    private final RateLimiter loginFailures;
    /** Argon2 verifications done for logins, so that tests can see unknown users cost the same work as known ones. */
    private final LongAdder passwordVerifications = new LongAdder();

    public AccountService(Storage storage, String serverName, LongSupplier clock) {
        this(storage, serverName, clock, REFRESHABLE_TOKEN_MS, userId -> { });
    }

    /**
     * @param refreshableTokenMs the lifetime of access tokens issued together with a refresh token
     * @param devicesChanged told the user ID after a device of theirs is added, renamed or removed
     */
    public AccountService(Storage storage, String serverName, LongSupplier clock, long refreshableTokenMs,
            java.util.function.Consumer<String> devicesChanged) {
        this(storage, serverName, clock, refreshableTokenMs, devicesChanged, RateLimiter.unlimited());
    }

    /** @param loginFailures limits failed password logins per account (keys are user IDs) */
    public AccountService(Storage storage, String serverName, LongSupplier clock, long refreshableTokenMs,
            java.util.function.Consumer<String> devicesChanged, RateLimiter loginFailures) {
        this.loginFailures = loginFailures;
        this.storage = storage;
        this.devicesChanged = devicesChanged;
        this.serverName = serverName;
        this.clock = clock;
        this.refreshableTokenMs = refreshableTokenMs;
    }

    public String serverName() {
        return serverName;
    }

    private volatile Namespaces namespaces = Namespaces.NONE;

    /** The application services' namespaces: user IDs held exclusively by one are not registered for anyone else. */
    public void namespaces(Namespaces namespaces) {
        this.namespaces = namespaces;
    }

    /** {@code 400 M_EXCLUSIVE} when an application service holds the user ID (for a registration by anyone but that service). */
    public void requireNotHeld(String userId, Optional<String> exceptService) {
        if (namespaces.userHeldBy(userId, exceptService).isPresent()) {
            throw new MatrixException(400, ErrorCodes.M_EXCLUSIVE, "this user ID is reserved by an application service");
        }
    }

    public boolean available(String localpart) {
        String userId = Ids.userId(localpart, serverName);
        requireNotHeld(userId, Optional.empty());
        if (storage.user(userId).isPresent()) {
            throw new MatrixException(400, ErrorCodes.M_USER_IN_USE, "user ID already taken");
        }
        return true;
    }

    /** Creates an account; a session unless {@code inhibitLogin}. */
    public Optional<Session> register(Optional<String> localpart, String password, Optional<String> deviceId,
            Optional<String> deviceName, boolean inhibitLogin, boolean refreshable, boolean admin) {
        String userId = register(localpart, password, admin);
        return inhibitLogin ? Optional.empty() : Optional.of(newSession(userId, deviceId, deviceName, refreshable));
    }

    /**
     * Creates an account without a device; its user ID. Passwords are compared in Unicode
     * normalization form NFKC, as Synapse does ({@link Secrets}), so at least 8 characters of it.
     */
    public String register(Optional<String> localpart, String password, boolean admin) {
        if (Secrets.normalized(password).codePointCount(0, Secrets.normalized(password).length()) < 8) {
            throw new MatrixException(400, "M_WEAK_PASSWORD", "passwords must be at least 8 characters long");
        }
        String userId;
        if (localpart.isPresent()) {
            userId = Ids.userId(localpart.get(), serverName);
            requireNotHeld(userId, Optional.empty());
        } else { // a made-up name an application service holds is made up again
            Namespaces held = namespaces;
            int attempts = 0;
            do {
                userId = Ids.userId("u" + Ids.random(12).toLowerCase(java.util.Locale.ROOT), serverName);
            } while (held.userHeldBy(userId, Optional.empty()).isPresent() && ++attempts < 20);
            requireNotHeld(userId, Optional.empty());
        }
        User user = new User(userId, Optional.of(Secrets.hashPassword(password)), admin, false,
                Optional.of(userId.substring(1, userId.indexOf(':'))), Optional.empty(), clock.getAsLong());
        if (!storage.createUser(user)) {
            throw new MatrixException(400, ErrorCodes.M_USER_IN_USE, "user ID already taken");
        }
        return userId;
    }

    /**
     * Creates an account without a password for an application service (its sender, or a user in its namespaces: the
     * caller checks which); false when the user exists.
     */
    public boolean createWithoutPassword(String userId) {
        return storage.createUser(new User(userId, Optional.empty(), false, false, Optional.of(userId.substring(1, userId.indexOf(':'))),
                Optional.empty(), clock.getAsLong()));
    }

    /**
     * A guest account ({@code register?kind=guest}): a numeric localpart, as Synapse makes (numeric localparts are
     * refused to those who choose a name while guests may register), no password, a device the server names.
     */
    public Session registerGuest(Optional<String> deviceName) {
        for (int attempt = 0; attempt < 20; attempt++) {
            String userId = Ids.userId(Long.toString(1_000_000_000L + GUEST_IDS.nextLong(9_000_000_000L)), serverName);
            if (namespaces.userHeldBy(userId, Optional.empty()).isEmpty() && storage.createUser(new User(userId, Optional.empty(), false, false,
                    Optional.of(userId.substring(1, userId.indexOf(':'))), Optional.empty(), clock.getAsLong()))) {
                storage.setGuest(userId, true);
                guests.remove(userId);
                return newSession(userId, Optional.empty(), deviceName, false);
            }
        }
        throw new MatrixException(500, ErrorCodes.M_UNKNOWN, "no free guest user ID");
    }

    /** Whether the user is a guest of this server (remembered; an upgrade forgets it). */
    public boolean isGuest(String userId) {
        if (guests.size() > 100_000) {
            guests.clear();
        }
        return guests.computeIfAbsent(userId, storage::isGuest);
    }

    /**
     * The guest of {@code guestAccessToken} becomes a full account with this password, keeping its user ID; the
     * {@code username} must be the guest's localpart, as the spec's guest access module requires. 403 {@code M_FORBIDDEN}
     * for a token that is not a guest's or another localpart.
     */
    public String upgradeGuest(String guestAccessToken, Optional<String> username, String password) {
        Caller guest = authenticate(Optional.of(guestAccessToken));
        if (!isGuest(guest.userId())) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "guest_access_token is not a guest's access token");
        }
        String localpart = guest.userId().substring(1, guest.userId().indexOf(':'));
        if (!username.map(localpart::equals).orElse(false)) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "an upgraded guest keeps its user ID: username must be " + localpart);
        }
        if (Secrets.normalized(password).codePointCount(0, Secrets.normalized(password).length()) < 8) {
            throw new MatrixException(400, "M_WEAK_PASSWORD", "passwords must be at least 8 characters long");
        }
        storage.setPassword(guest.userId(), Secrets.hashPassword(password));
        storage.setGuest(guest.userId(), false);
        guests.remove(guest.userId());
        return guest.userId();
    }

    /** A new access token for a registered user on a device (made, or taken over when it exists). */
    public Session newDeviceSession(String userId, Optional<String> deviceId, Optional<String> deviceName, boolean refreshable) {
        return newSession(userId, deviceId, deviceName, refreshable);
    }

    /**
     * Logs in with a user ID (or localpart) and password. Unknown users cost the same Argon2 verification as a wrong
     * password, so the time of the answer does not tell whether a user exists; after a few failures for one account
     * (existing or not) further attempts get {@code M_LIMIT_EXCEEDED} until the limit lets one through again.
     */
    public Session loginWithPassword(String user, String password, Optional<String> deviceId, Optional<String> deviceName, boolean refreshable) {
        String userId;
        try {
            userId = Ids.userId(user, serverName);
        } catch (MatrixException e) {
            throw forbidden();
        }
        loginFailures.check(userId);
        Optional<User> account = storage.user(userId);
        if (!passwordMatches(password, account.flatMap(User::passwordHash))) {
            loginFailures.record(userId);
            throw forbidden();
        }
        if (account.get().deactivated()) {
            throw new MatrixException(403, ErrorCodes.M_USER_DEACTIVATED, "this account has been deactivated");
        }
        loginFailures.reset(userId);
        return newSession(userId, deviceId, deviceName, refreshable);
    }

    /** How many Argon2 verifications logins have done. */
    public long passwordVerifications() {
        return passwordVerifications.sum();
    }

    /** One Argon2 verification whether or not there is a hash: against a hash of a random password when there is none. */
    private boolean passwordMatches(String password, Optional<String> hash) {
        passwordVerifications.increment();
        boolean matches = Secrets.checkPassword(password, hash.orElseGet(DummyHash::get));
        return matches && hash.isPresent();
    }

    /** A hash of a random password with the parameters of real ones, made the first time an unknown user logs in. */
    private static final class DummyHash {
        private static final String HASH = Secrets.hashPassword(Ids.random(32));

        static String get() {
            return HASH;
        }
    }

    public Session loginWithToken(String token, Optional<String> deviceId, Optional<String> deviceName, boolean refreshable) {
        String userId = storage.takeLoginToken(Secrets.tokenHash(token), clock.getAsLong())
                .orElseThrow(() -> new MatrixException(403, ErrorCodes.M_FORBIDDEN, "invalid or expired login token"));
        return newSession(userId, deviceId, deviceName, refreshable);
    }

    /** A short-lived single-use token to log in another device (v1.7 {@code /login/get_token}). */
    public String newLoginToken(Caller caller) {
        String token = Ids.token("mxl");
        storage.saveLoginToken(Secrets.tokenHash(token), caller.userId(), clock.getAsLong() + LOGIN_TOKEN_MS);
        return token;
    }

    public long loginTokenLifetimeMs() {
        return LOGIN_TOKEN_MS;
    }

    public Session refresh(String refreshToken) {
        String[] owner = storage.takeRefreshToken(Secrets.tokenHash(refreshToken))
                .orElseThrow(() -> new MatrixException(401, ErrorCodes.M_UNKNOWN_TOKEN, "unknown refresh token"));
        storage.deleteTokensOfDevice(owner[0], owner[1]);
        tokenCache.forgetUser(owner[0]);
        return tokens(owner[0], owner[1], true);
    }

    private Session newSession(String userId, Optional<String> deviceId, Optional<String> deviceName, boolean refreshable) {
        String device = deviceId.filter(d -> !d.isBlank()).orElseGet(Ids::deviceId);
        Optional<Device> existing = storage.device(userId, device);
        if (existing.isEmpty() && storage.crossSigningKeys(userId).stream().anyMatch(k -> k.keyId().equals("ed25519:" + device))) {
            // device IDs and cross-signing public keys share one namespace (the spec's cross-signing module); as Synapse
            throw new MatrixException(400, ErrorCodes.M_FORBIDDEN, "the device ID is in use by a cross-signing key");
        }
        storage.saveDevice(new Device(userId, device, deviceName.or(() -> existing.flatMap(Device::displayName)),
                Optional.of(clock.getAsLong()), Optional.empty()));
        if (existing.isPresent()) {
            storage.deleteTokensOfDevice(userId, device); // logging in again on a device replaces its token
            tokenCache.forgetUser(userId);
        } else {
            devicesChanged.accept(userId);
        }
        return tokens(userId, device, refreshable);
    }

    private Session tokens(String userId, String deviceId, boolean refreshable) {
        String access = Ids.token("mxa");
        Optional<String> refresh = refreshable ? Optional.of(Ids.token("mxr")) : Optional.empty();
        Optional<Long> expires = refreshable ? Optional.of(clock.getAsLong() + refreshableTokenMs) : Optional.empty();
        storage.saveAccessToken(new AccessToken(Secrets.tokenHash(access), userId, deviceId, expires, refresh.map(Secrets::tokenHash)));
        refresh.ifPresent(r -> storage.saveRefreshToken(Secrets.tokenHash(r), userId, deviceId));
        return new Session(userId, deviceId, access, refresh, refreshable ? Optional.of(refreshableTokenMs) : Optional.empty());
    }

    /** The caller of an access token: M_MISSING_TOKEN, M_UNKNOWN_TOKEN (soft logout when expired) otherwise. */
    public Caller authenticate(Optional<String> token) {
        String given = token.orElseThrow(() -> new MatrixException(401, ErrorCodes.M_MISSING_TOKEN, "missing access token"));
        String hash = Secrets.tokenHash(given);
        AccessToken stored = tokenCache.get(hash, storage::accessToken)
                .orElseThrow(() -> new MatrixException(401, ErrorCodes.M_UNKNOWN_TOKEN, "unknown access token"));
        if (stored.expiresTs().isPresent() && stored.expiresTs().get() < clock.getAsLong()) {
            ObjectNode soft = JsonNodeFactory.instance.objectNode().put("soft_logout", true);
            throw new MatrixException(401, ErrorCodes.M_UNKNOWN_TOKEN, "access token expired", soft);
        }
        return new Caller(stored.userId(), stored.deviceId(), hash);
    }

    /** Ends the caller's session; an application service's request (no device, a token from its registration) ends nothing. */
    public void logout(Caller caller) {
        caller.device().ifPresent(device -> {
            storage.deleteDevice(caller.userId(), device);
            devicesRemoved(caller.userId());
        });
    }

    public void logoutAll(Caller caller) {
        for (Device d : storage.devices(caller.userId())) {
            storage.deleteDevice(d.userId(), d.deviceId());
        }
        storage.deleteTokensOfUser(caller.userId());
        devicesRemoved(caller.userId());
    }

    /** Checks a signed-in user's password (user-interactive authentication); failures count against the account like failed logins. */
    public void checkPassword(String userId, String password) {
        loginFailures.check(userId);
        if (!passwordMatches(password, storage.user(userId).flatMap(User::passwordHash))) {
            loginFailures.record(userId);
            throw forbidden();
        }
        loginFailures.reset(userId);
    }

    public void changePassword(Caller caller, String newPassword, boolean logoutDevices) {
        if (Secrets.normalized(newPassword).codePointCount(0, Secrets.normalized(newPassword).length()) < 8) {
            throw new MatrixException(400, "M_WEAK_PASSWORD", "passwords must be at least 8 characters long");
        }
        storage.setPassword(caller.userId(), Secrets.hashPassword(newPassword));
        if (logoutDevices) {
            for (Device d : storage.devices(caller.userId())) {
                if (!caller.device().map(d.deviceId()::equals).orElse(false)) {
                    storage.deleteDevice(d.userId(), d.deviceId());
                }
            }
            devicesRemoved(caller.userId());
        }
    }

    public void deactivate(String userId) {
        storage.deactivate(userId);
        storage.deleteKeyBackups(userId); // a deactivated account keeps no key backup, as Synapse does
        devicesRemoved(userId);
    }

    public List<Device> devices(String userId) {
        return storage.devices(userId);
    }

    public Optional<Device> device(String userId, String deviceId) {
        return storage.device(userId, deviceId);
    }

    public void renameDevice(String userId, String deviceId, Optional<String> name) {
        Device d = storage.device(userId, deviceId).orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such device"));
        storage.saveDevice(new Device(userId, deviceId, name, d.lastSeenTs(), d.lastSeenIp()));
        devicesChanged.accept(userId);
    }

    public void deleteDevice(String userId, String deviceId) {
        storage.deleteDevice(userId, deviceId);
        devicesRemoved(userId);
    }

    /** A user's public profile: display name and avatar. */
    public record Profile(Optional<String> displayname, Optional<String> avatarUrl) {}

    /** Asks the server of a user of another server for the user's profile (federation's profile query). */
    @FunctionalInterface
    public interface RemoteProfiles {
        /** The profile; empty when that server has no such user. */
        Optional<Profile> query(String userId);
    }

    private volatile Optional<RemoteProfiles> remoteProfiles = Optional.empty();

    /** Lets profiles of other servers' users be read by asking them (set when federation runs). */
    public void remoteProfiles(RemoteProfiles profiles) {
        this.remoteProfiles = Optional.of(profiles);
    }

    /** Asks the application services about a user of this server that does not exist (they may make it). */
    @FunctionalInterface
    public interface AppServiceUsers {
        /** True when a service made the user; may fail with {@code 408} when a service did not answer. */
        boolean madeByService(String userId);
    }

    private volatile Optional<AppServiceUsers> appServiceUsers = Optional.empty();

    /** Lets application services make users of their namespaces on demand (set when services are configured). */
    public void appServiceUsers(AppServiceUsers services) {
        this.appServiceUsers = Optional.of(services);
    }

    /**
     * The profile of any user: this server's from storage (none for a deactivated account; an unknown one after asking
     * the application services whose namespace holds it), another server's by asking it when federation runs.
     */
    public Optional<Profile> profile(String userId) {
        if (userId.endsWith(":" + serverName)) {
            Optional<User> user = user(userId);
            if (user.isEmpty() && appServiceUsers.isPresent() && appServiceUsers.get().madeByService(userId)) {
                user = user(userId);
            }
            return user.filter(u -> !u.deactivated()).map(u -> new Profile(u.displayname(), u.avatarUrl()));
        }
        return remoteProfiles.flatMap(r -> r.query(userId));
    }

    public Optional<User> user(String userId) {
        return storage.user(userId);
    }

    public void setProfile(String userId, Optional<String> displayname, Optional<String> avatarUrl) {
        storage.setProfile(userId, displayname, avatarUrl);
    }

    /** After devices (and so their tokens) are deleted: no kept token of the user stays valid, and the device list changed. */
    private void devicesRemoved(String userId) {
        tokenCache.forgetUser(userId);
        devicesChanged.accept(userId);
    }

    private static MatrixException forbidden() {
        return new MatrixException(403, ErrorCodes.M_FORBIDDEN, "invalid user name or password");
    }
}
