package dev.mxspec.client.sdk;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * A logged-in session, stored per user in the usual config folder
 * ({@code $XDG_CONFIG_HOME/mxspec-client}, else {@code ~/.config/mxspec-client}) with owner-only
 * permissions: the access token is a secret.
 */
public record Credentials(
        @JsonProperty("homeserver") String homeserver,
        @JsonProperty("user_id") String userId,
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("refresh_token") Optional<String> refreshToken) {

    public Credentials {
        refreshToken = refreshToken == null ? Optional.empty() : refreshToken;
    }

    @Override
    public String toString() {
        return "Credentials[" + userId + " on " + homeserver + ", device " + deviceId + "]";
    }

    public static Path folder() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        String override = System.getProperty("mxspec.client.config");
        Path base = override != null ? Path.of(override)
                : (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config"));
        return override != null ? base : base.resolve("mxspec-client");
    }

    private static Path file(String userId) {
        return folder().resolve(userId.replaceAll("[^A-Za-z0-9._=@:-]", "_") + ".json");
    }

    /** Stores the session and makes its user the current one. */
    public void save() {
        store();
        try {
            Files.writeString(folder().resolve("current"), userId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores the session (after a token refresh) without changing the current user. */
    public void store() {
        try {
            Path dir = Files.createDirectories(folder());
            Path target = file(userId);
            Path tmp = Files.createTempFile(dir, ".credentials", ".json");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's own protection applies
            }
            Files.writeString(tmp, MatrixJson.write(this));
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored session of a user, or of the last user logged in. */
    public static Optional<Credentials> load(Optional<String> userId) {
        try {
            Optional<String> who = userId.isPresent() ? userId
                    : Files.isRegularFile(folder().resolve("current")) ? Optional.of(Files.readString(folder().resolve("current")).strip())
                    : Optional.empty();
            if (who.isEmpty() || !Files.isRegularFile(file(who.get()))) {
                return Optional.empty();
            }
            return Optional.of(MatrixJson.read(Files.readString(file(who.get())), Credentials.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(file(userId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
