package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

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
 */
public record FederationSettings(
        @JsonProperty("port") int port,
        @JsonProperty("tls_certificate") Optional<String> tlsCertificate,
        @JsonProperty("tls_private_key") Optional<String> tlsPrivateKey,
        @JsonProperty("trusted_ca") Optional<String> trustedCa,
        @JsonProperty("skip_certificate_checks") boolean skipCertificateChecks,
        @JsonProperty("key_validity_ms") long keyValidityMs) {

    public FederationSettings {
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
                """.formatted(skipCertificateChecks, keyValidityMs);
    }
}
