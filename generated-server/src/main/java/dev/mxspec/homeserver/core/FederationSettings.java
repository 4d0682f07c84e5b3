package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Federation with other homeservers (the {@code federation:} block of the configuration). Off unless a port is
 * given; then a certificate and its private key are required, as the Server-Server API is HTTPS only.
 *
 * @param port the port of the federation listener (HTTPS), 0 for no federation listener
 * @param tlsCertificate the PEM file of the listener's certificate chain, leaf first
 * @param tlsPrivateKey the PEM file of the certificate's private key (PKCS#8, PKCS#1 RSA or SEC1 EC)
 * @param trustedCa a PEM file of further certificate authorities trusted for outbound requests, beside the JDK's
 * @param skipCertificateChecks whether outbound requests accept any certificate: for tests only
 * @param keyValidityMs how long the server's published signing key is valid ({@code valid_until_ts}), one day
 * @param signingKeyVersion the version of the signing key in use ({@code ed25519:<version>}), {@code a} by default: naming
 *     a new version makes a new key on the next start, and the keys used before are published as old keys, expired then
 * @param oldVerifyKeys further keys this server signed with before (kept elsewhere, such as a previous installation's),
 *     published under {@code old_verify_keys}: key ID to public key and {@code expired_ts}
 * @param trustedKeyServers notaries asked for another server's keys ({@code /_matrix/key/v2/query}) when that server
 *     cannot be reached or its answer is refused; their answers must carry their signature by one of the keys given
 * @param wellKnownServer the delegated server ({@code host:port}) that {@code GET /.well-known/matrix/server} on the
 *     federation listener answers as {@code m.server}; without it that request is 404 {@code M_NOT_FOUND}
 */
public record FederationSettings(
        @JsonProperty("port") int port,
        @JsonProperty("tls_certificate") Optional<String> tlsCertificate,
        @JsonProperty("tls_private_key") Optional<String> tlsPrivateKey,
        @JsonProperty("trusted_ca") Optional<String> trustedCa,
        @JsonProperty("skip_certificate_checks") boolean skipCertificateChecks,
        @JsonProperty("key_validity_ms") long keyValidityMs,
        @JsonProperty("signing_key_version") String signingKeyVersion,
        @JsonProperty("old_verify_keys") Map<String, OldVerifyKey> oldVerifyKeys,
        @JsonProperty("trusted_key_servers") List<TrustedKeyServer> trustedKeyServers,
        @JsonProperty("well_known_server") Optional<String> wellKnownServer) {

    private static final Pattern KEY_VERSION = Pattern.compile("[A-Za-z0-9_]+");

    /**
     * A key this server signed with before.
     *
     * @param key the public key, unpadded Base64
     * @param expiredTs when it stopped being used (ms since the epoch)
     */
    public record OldVerifyKey(@JsonProperty("key") String key, @JsonProperty("expired_ts") long expiredTs) {

        public OldVerifyKey {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("federation.old_verify_keys: each key needs its public key (key)");
            }
            if (expiredTs <= 0) {
                throw new IllegalArgumentException("federation.old_verify_keys: each key needs its expired_ts");
            }
        }
    }

    /**
     * A notary.
     *
     * @param serverName its server name
     * @param verifyKeys its keys that must sign its answers: key ID to public key (unpadded Base64); when empty, the
     *     keys it publishes itself
     */
    public record TrustedKeyServer(@JsonProperty("server_name") String serverName,
            @JsonProperty("verify_keys") Map<String, String> verifyKeys) {

        public TrustedKeyServer {
            if (serverName == null || serverName.isBlank()) {
                throw new IllegalArgumentException("federation.trusted_key_servers: each needs a server_name");
            }
            verifyKeys = verifyKeys == null ? Map.of() : Map.copyOf(verifyKeys);
        }
    }

    public FederationSettings(int port, Optional<String> tlsCertificate, Optional<String> tlsPrivateKey, Optional<String> trustedCa,
            boolean skipCertificateChecks, long keyValidityMs) {
        this(port, tlsCertificate, tlsPrivateKey, trustedCa, skipCertificateChecks, keyValidityMs, null, null, null, null);
    }

    public FederationSettings {
        signingKeyVersion = signingKeyVersion == null ? "a" : signingKeyVersion;
        if (!KEY_VERSION.matcher(signingKeyVersion).matches()) {
            throw new IllegalArgumentException("federation.signing_key_version must match [A-Za-z0-9_]+, not '" + signingKeyVersion + "'");
        }
        oldVerifyKeys = oldVerifyKeys == null ? Map.of() : Map.copyOf(oldVerifyKeys);
        trustedKeyServers = trustedKeyServers == null ? List.of() : List.copyOf(trustedKeyServers);
        wellKnownServer = wellKnownServer == null ? Optional.empty() : wellKnownServer;
        if (wellKnownServer.isPresent() && !wellKnownServer.get().matches("[A-Za-z0-9.\\-]{1,255}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?")) {
            throw new IllegalArgumentException("federation.well_known_server must be a host name with an optional port, not '"
                    + wellKnownServer.get() + "'");
        }
        tlsCertificate = tlsCertificate == null ? Optional.empty() : tlsCertificate;
        tlsPrivateKey = tlsPrivateKey == null ? Optional.empty() : tlsPrivateKey;
        trustedCa = trustedCa == null ? Optional.empty() : trustedCa;
        keyValidityMs = keyValidityMs == 0 ? 24 * 60 * 60 * 1000L : keyValidityMs;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("federation.port must be between 1 and 65535, not " + port);
        }
        if (keyValidityMs < 0) {
            throw new IllegalArgumentException("federation.key_validity_ms must be positive, not " + keyValidityMs);
        }
        if (port != 0 && (tlsCertificate.isEmpty() || tlsPrivateKey.isEmpty())) {
            throw new IllegalArgumentException("federation.port needs federation.tls_certificate and federation.tls_private_key (PEM files)");
        }
    }

    /** No federation listener; outbound checks against the JDK's certificate authorities. */
    public static FederationSettings defaults() {
        return new FederationSettings(0, null, null, null, false, 0);
    }

    /** This configuration signing with the key of {@code version}, the keys used before published as old keys. */
    public FederationSettings withSigningKeyVersion(String version) {
        return new FederationSettings(port, tlsCertificate, tlsPrivateKey, trustedCa, skipCertificateChecks, keyValidityMs, version,
                oldVerifyKeys, trustedKeyServers, wellKnownServer);
    }

    /** This configuration asking {@code notaries} for keys of servers that cannot be reached. */
    public FederationSettings withTrustedKeyServers(List<TrustedKeyServer> notaries) {
        return new FederationSettings(port, tlsCertificate, tlsPrivateKey, trustedCa, skipCertificateChecks, keyValidityMs,
                signingKeyVersion, oldVerifyKeys, notaries, wellKnownServer);
    }

    /** This configuration delegating to {@code server} in {@code /.well-known/matrix/server}. */
    public FederationSettings withWellKnownServer(String server) {
        return new FederationSettings(port, tlsCertificate, tlsPrivateKey, trustedCa, skipCertificateChecks, keyValidityMs,
                signingKeyVersion, oldVerifyKeys, trustedKeyServers, Optional.of(server));
    }

    /** Whether the federation listener runs. */
    public boolean enabled() {
        return port != 0;
    }

    String toYaml() {
        return """
                # Federation with other homeservers (HTTPS on its own port); off without a port.
                federation:
                  # port: 8448
                  # tls_certificate: /etc/mxspec/fullchain.pem   # PEM, leaf certificate first
                  # tls_private_key: /etc/mxspec/privkey.pem     # PEM: PKCS#8, PKCS#1 RSA or SEC1 EC
                  # trusted_ca: /etc/mxspec/test-ca.pem          # further CAs trusted for outbound requests
                  # Accept any certificate on outbound requests: for tests only.
                  skip_certificate_checks: %s
                  # How long the published signing key is valid (valid_until_ts), in ms.
                  key_validity_ms: %d
                  # The signing key in use is ed25519:<version>; a new version makes a new key on the next start,
                  # and the keys used before stay published under old_verify_keys, expired then.
                  signing_key_version: %s
                  # Keys this server signed with elsewhere before, published under old_verify_keys.
                  # old_verify_keys:
                  #   "ed25519:old": {key: <unpadded Base64 public key>, expired_ts: 1700000000000}
                  # Notaries asked for the keys of servers that cannot be reached (/_matrix/key/v2/query).
                  # What GET /.well-known/matrix/server on the federation listener answers (m.server), when the server
                  # name's host delegates federation to another host and port; unset: 404.
                  # well_known_server: matrix.example.com:8448
                  # trusted_key_servers:
                  #   - {server_name: matrix.org, verify_keys: {"ed25519:auto": Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw}}
                """.formatted(skipCertificateChecks, keyValidityMs, signingKeyVersion);
    }
}
