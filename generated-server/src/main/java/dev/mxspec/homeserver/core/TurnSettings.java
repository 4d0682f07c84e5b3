package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/**
 * The TURN server clients use for calls (the {@code turn:} block of the configuration), as
 * {@code GET /voip/turnServer} hands it out. With a {@code shared_secret} each user gets time-limited credentials that
 * coturn checks itself ({@code use-auth-secret}: the username is the expiry time and the user ID, the password the
 * HMAC-SHA1 of the username with the secret); otherwise a fixed {@code username} and {@code password}.
 *
 * @param uris the TURN URIs ({@code turn:turn.example.org:3478?transport=udp}); none means no TURN server
 * @param sharedSecret the secret shared with coturn's {@code static-auth-secret}
 * @param username a fixed username, when there is no shared secret
 * @param password the fixed username's password
 * @param userLifetimeMs how long credentials from the shared secret are valid (one hour)
 */
public record TurnSettings(
        @JsonProperty("uris") List<String> uris,
        @JsonProperty("shared_secret") Optional<String> sharedSecret,
        @JsonProperty("username") Optional<String> username,
        @JsonProperty("password") Optional<String> password,
        @JsonProperty("user_lifetime_ms") long userLifetimeMs) {

    public TurnSettings {
        uris = uris == null ? List.of() : List.copyOf(uris);
        sharedSecret = sharedSecret == null ? Optional.empty() : sharedSecret.filter(s -> !s.isEmpty());
        username = username == null ? Optional.empty() : username;
        password = password == null ? Optional.empty() : password;
        userLifetimeMs = userLifetimeMs == 0 ? 60 * 60 * 1000 : userLifetimeMs;
        if (userLifetimeMs < 1000) {
            throw new IllegalArgumentException("turn.user_lifetime_ms must be at least 1000, not " + userLifetimeMs);
        }
        for (String uri : uris) {
            if (!(uri.startsWith("turn:") || uri.startsWith("turns:") || uri.startsWith("stun:") || uri.startsWith("stuns:"))) {
                throw new IllegalArgumentException("turn.uris: '" + uri + "' is not a turn:, turns:, stun: or stuns: URI");
            }
        }
        if (!uris.isEmpty() && sharedSecret.isEmpty() && (username.isEmpty() || password.isEmpty())) {
            throw new IllegalArgumentException("turn: give shared_secret, or username and password, with uris");
        }
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("turn: username and password go together");
        }
    }

    /** No TURN server: {@code /voip/turnServer} answers no URIs. */
    public static TurnSettings defaults() {
        return new TurnSettings(null, null, null, null, 0);
    }

    public boolean enabled() {
        return !uris.isEmpty();
    }

    /** The secrets stay out of logs. */
    @Override
    public String toString() {
        return "TurnSettings[uris=" + uris + ", sharedSecret=" + (sharedSecret.isPresent() ? "***" : "none") + ", username="
                + username.orElse("none") + ", userLifetimeMs=" + userLifetimeMs + "]";
    }

    String toYaml() {
        return """
                # The TURN server for calls, as GET /voip/turnServer gives it to clients; none without uris.
                # With shared_secret (coturn's static-auth-secret) each user gets credentials valid for user_lifetime_ms.
                turn:
                  # uris: ["turn:turn.example.org:3478?transport=udp", "turn:turn.example.org:3478?transport=tcp"]
                  # shared_secret: a-long-random-secret
                  user_lifetime_ms: %d
                """.formatted(userLifetimeMs);
    }
}
