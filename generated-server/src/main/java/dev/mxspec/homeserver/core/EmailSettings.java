package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The SMTP server this server sends mail through (the {@code email:} block of the configuration): the validation
 * mail of third-party identifiers ({@code requestToken}). Without {@code smtp_host} no mail is sent and the email
 * {@code requestToken} endpoints answer 400 {@code M_UNKNOWN}, as Synapse does without an email configuration.
 *
 * @param smtpHost the SMTP server; none means no mail
 * @param smtpPort its port (25 by default)
 * @param smtpUser the user to log in as, if the server wants a login
 * @param smtpPassword that user's password (never logged)
 * @param requireTransportSecurity STARTTLS required (the session is refused when the server does not offer it); on
 *     port 465 TLS is used from the start either way
 * @param notifFrom the {@code From} of the mail, {@code "Name <address>"} or an address
 * @param validationTokenLifetimeMs how long a validation session (and its token) lives: one hour by default
 * @param clientBaseUrl the address clients and mail readers reach this server's client API at, for the link in the
 *     mail; by default {@code http://host:port}
 * @param identityServerScheme how identity servers are reached by the name clients give ({@code id_server}):
 *     {@code https} (the default; {@code http} only for tests and local set-ups)
 * @param identityServerDeniedIpRanges CIDR ranges identity servers are never reached at, since clients name them: by
 *     default those of URL previews (loopback, private, reserved), so the server cannot be made to probe its network
 */
public record EmailSettings(
        @JsonProperty("smtp_host") Optional<String> smtpHost,
        @JsonProperty("smtp_port") int smtpPort,
        @JsonProperty("smtp_user") Optional<String> smtpUser,
        @JsonProperty("smtp_password") Optional<String> smtpPassword,
        @JsonProperty("require_transport_security") boolean requireTransportSecurity,
        @JsonProperty("notif_from") String notifFrom,
        @JsonProperty("validation_token_lifetime_ms") long validationTokenLifetimeMs,
        @JsonProperty("client_base_url") Optional<String> clientBaseUrl,
        @JsonProperty("identity_server_scheme") String identityServerScheme,
        @JsonProperty("identity_server_denied_ip_ranges") List<String> identityServerDeniedIpRanges) {

    public EmailSettings {
        smtpHost = smtpHost == null ? Optional.empty() : smtpHost.filter(h -> !h.isBlank());
        smtpPort = smtpPort == 0 ? 25 : smtpPort;
        smtpUser = smtpUser == null ? Optional.empty() : smtpUser.filter(u -> !u.isEmpty());
        smtpPassword = smtpPassword == null ? Optional.empty() : smtpPassword;
        notifFrom = notifFrom == null || notifFrom.isBlank() ? "Matrix <noreply@localhost>" : notifFrom;
        validationTokenLifetimeMs = validationTokenLifetimeMs == 0 ? 60 * 60 * 1000 : validationTokenLifetimeMs;
        clientBaseUrl = clientBaseUrl == null ? Optional.empty() : clientBaseUrl.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        identityServerScheme = identityServerScheme == null ? "https" : identityServerScheme;
        identityServerDeniedIpRanges = identityServerDeniedIpRanges == null ? UrlPreviewSettings.DEFAULT_DENIED
                : List.copyOf(identityServerDeniedIpRanges);
        for (String range : identityServerDeniedIpRanges) {
            IpRange.parse("email.identity_server_denied_ip_ranges", range);
        }
        if (!identityServerScheme.equals("https") && !identityServerScheme.equals("http")) {
            throw new IllegalArgumentException("email.identity_server_scheme must be https or http, not '" + identityServerScheme + "'");
        }
        if (smtpPort < 1 || smtpPort > 65535) {
            throw new IllegalArgumentException("email.smtp_port must be a port number, not " + smtpPort);
        }
        if (validationTokenLifetimeMs < 1000) {
            throw new IllegalArgumentException("email.validation_token_lifetime_ms must be at least 1000, not " + validationTokenLifetimeMs);
        }
        if (smtpUser.isPresent() != smtpPassword.isPresent()) {
            throw new IllegalArgumentException("email: smtp_user and smtp_password go together");
        }
    }

    /** No SMTP server: no mail. */
    public static EmailSettings defaults() {
        return new EmailSettings(null, 0, null, null, false, null, 0, null, null, null);
    }

    /** Whether an identity server may not be reached at {@code address}. */
    public boolean identityServerDenied(InetAddress address) {
        return identityServerDeniedIpRanges.stream().anyMatch(r -> IpRange.parse("email.identity_server_denied_ip_ranges", r).contains(address));
    }

    /** Whether mail can be sent. */
    public boolean enabled() {
        return smtpHost.isPresent();
    }

    /** Without the password, which is never written out. */
    @Override
    public String toString() {
        return "EmailSettings[smtp_host=" + smtpHost.orElse("") + ", smtp_port=" + smtpPort + ", smtp_user=" + smtpUser.orElse("")
                + ", require_transport_security=" + requireTransportSecurity + ", notif_from=" + notifFrom + "]";
    }

    String toYaml() {
        return """
                # Mail (validation of email addresses added to accounts, registration, password reset) goes through
                # this SMTP server; without smtp_host the email requestToken endpoints answer 400 M_UNKNOWN.
                email:
                  # smtp_host: smtp.example.org
                  smtp_port: %d
                  # smtp_user: matrix
                  # smtp_password: secret
                  require_transport_security: %s
                  notif_from: "%s"
                  validation_token_lifetime_ms: %d
                  # client_base_url: https://matrix.example.org
                  # How identity servers (id_server of bind, unbind and 3PID invites) are reached.
                  identity_server_scheme: %s
                  # Identity servers are never reached at these addresses (loopback, private, reserved by default).
                  # identity_server_denied_ip_ranges: ["127.0.0.0/8", "10.0.0.0/8"]
                """.formatted(smtpPort, requireTransportSecurity, notifFrom, validationTokenLifetimeMs, identityServerScheme);
    }
}
