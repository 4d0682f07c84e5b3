package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The homeserver's configuration, read from YAML ({@code generate-config} prints a commented one).
 *
 * @param serverName the server name in user IDs and room IDs ({@code localhost})
 * @param host the address to listen on
 * @param port the port to listen on
 * @param dataDir where the SQLite database and the signing key live
 * @param database {@code sqlite} (the default, in {@code dataDir}) or {@code postgresql}
 * @param postgresUrl the JDBC URL when the database is PostgreSQL
 * @param registration whether anyone may register an account
 * @param maxBodyBytes the largest request body accepted
 * @param sendRatePerSecond events each user may send per second (bursts of five times that); negative for no limit. The
 *     older spelling of {@code rate_limits.sends}, which wins when both are given; always equal to its rate after reading
 * @param accessTokenLifetimeMs how long an access token issued with a refresh token lives (15 minutes)
 * @param rateLimits the rate limits ({@code rate_limits:}), each of which can be switched off
 * @param http timeouts and limits of the HTTP server ({@code http:})
 * @param requestLog whether to log one line per request (method, path without secrets, status, time)
 * @param media the media repository ({@code media:}): thumbnails, a public URL for redirects
 * @param push notifications and pushers ({@code push:})
 * @param federation the federation listener and outbound trust ({@code federation:}), off by default
 * @param metrics the Prometheus metrics listener ({@code metrics:}), off by default
 * @param appServiceConfigFiles the registration files of the application services (bridges, bots) to serve
 * @param turn the TURN server handed to clients for calls ({@code turn:}), none by default
 * @param urlPreview URL previews ({@code url_preview:}), off by default
 * @param registrationRequiresToken whether registering takes a registration token ({@code create-registration-token})
 * @param email the SMTP server for validation mail ({@code email:}), none by default
 * @param allowGuestAccess whether {@code POST /register?kind=guest} makes guest accounts ({@code allow_guest_access}, off
 *     by default, as Synapse's)
 * @param registrationRequiresEmail whether registering takes a validated email address ({@code m.login.email.identity});
 *     needs {@code email:}
 * @param msisdnDelegate the identity server that validates phone numbers for this server ({@code msisdn_delegate}, as
 *     Synapse's {@code account_threepid_delegates.msisdn}): its base URL; none means no phone numbers
 */
public record ServerConfig(
        @JsonProperty("server_name") String serverName,
        @JsonProperty("host") String host,
        @JsonProperty("port") int port,
        @JsonProperty("data_dir") String dataDir,
        @JsonProperty("database") String database,
        @JsonProperty("postgres_url") Optional<String> postgresUrl,
        @JsonProperty("registration") boolean registration,
        @JsonProperty("max_body_bytes") int maxBodyBytes,
        @JsonProperty("send_rate_per_second") double sendRatePerSecond,
        @JsonProperty("access_token_lifetime_ms") long accessTokenLifetimeMs,
        @JsonProperty("rate_limits") RateLimits rateLimits,
        @JsonProperty("http") HttpSettings http,
        @JsonProperty("request_log") boolean requestLog,
        @JsonProperty("media") MediaSettings media,
        @JsonProperty("push") PushSettings push,
        @JsonProperty("federation") FederationSettings federation,
        @JsonProperty("metrics") MetricsSettings metrics,
        @JsonProperty("app_service_config_files") List<String> appServiceConfigFiles,
        @JsonProperty("turn") TurnSettings turn,
        @JsonProperty("url_preview") UrlPreviewSettings urlPreview,
        @JsonProperty("registration_requires_token") boolean registrationRequiresToken,
        @JsonProperty("email") EmailSettings email,
        @JsonProperty("allow_guest_access") boolean allowGuestAccess,
        @JsonProperty("registration_requires_email") boolean registrationRequiresEmail,
        @JsonProperty("msisdn_delegate") Optional<String> msisdnDelegate) {

    public ServerConfig {
        serverName = serverName == null ? "localhost" : serverName;
        host = host == null ? "127.0.0.1" : host;
        port = port == 0 ? 8008 : port;
        dataDir = dataDir == null ? "data" : dataDir;
        database = database == null ? "sqlite" : database;
        postgresUrl = postgresUrl == null ? Optional.empty() : postgresUrl;
        maxBodyBytes = maxBodyBytes == 0 ? 1 << 20 : maxBodyBytes;
        sendRatePerSecond = sendRatePerSecond == 0 ? RateLimits.DEFAULT_SENDS.perSecond() : sendRatePerSecond;
        RateLimits.Limit legacySends = sendRatePerSecond < 0 ? RateLimits.Limit.off() : new RateLimits.Limit(sendRatePerSecond, sendRatePerSecond * 5);
        rateLimits = (rateLimits == null ? new RateLimits(null, null, null, null) : rateLimits).resolve(legacySends);
        sendRatePerSecond = rateLimits.sends().perSecond();
        http = http == null ? HttpSettings.defaults() : http;
        media = media == null ? MediaSettings.defaults() : media;
        push = push == null ? PushSettings.defaults() : push;
        federation = federation == null ? FederationSettings.defaults() : federation;
        metrics = metrics == null ? MetricsSettings.defaults() : metrics;
        appServiceConfigFiles = appServiceConfigFiles == null ? List.of() : List.copyOf(appServiceConfigFiles);
        turn = turn == null ? TurnSettings.defaults() : turn;
        urlPreview = urlPreview == null ? UrlPreviewSettings.defaults() : urlPreview;
        email = email == null ? EmailSettings.defaults() : email;
        accessTokenLifetimeMs = accessTokenLifetimeMs == 0 ? 15 * 60 * 1000 : accessTokenLifetimeMs;
        if (accessTokenLifetimeMs < 0) {
            throw new IllegalArgumentException("access_token_lifetime_ms must be positive, not " + accessTokenLifetimeMs);
        }
        if (!database.equals("sqlite") && !database.equals("postgresql")) {
            throw new IllegalArgumentException("database must be sqlite or postgresql, not '" + database + "'");
        }
        msisdnDelegate = msisdnDelegate == null ? Optional.empty() : msisdnDelegate.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        if (msisdnDelegate.isPresent() && !msisdnDelegate.get().matches("https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
            throw new IllegalArgumentException("msisdn_delegate must be the http(s) URL of an identity server, not '" + msisdnDelegate.get() + "'");
        }
        if (registrationRequiresEmail && !email.enabled()) {
            throw new IllegalArgumentException("registration_requires_email needs an SMTP server to send the validation mail (email: smtp_host)");
        }
        if (database.equals("postgresql") && postgresUrl.isEmpty()) {
            throw new IllegalArgumentException("database postgresql needs postgres_url (a JDBC URL)");
        }
    }

    /** A configuration with the default access token lifetime, rate limits (sends aside) and HTTP settings. */
    public ServerConfig(String serverName, String host, int port, String dataDir, String database, Optional<String> postgresUrl,
            boolean registration, int maxBodyBytes, double sendRatePerSecond) {
        this(serverName, host, port, dataDir, database, postgresUrl, registration, maxBodyBytes, sendRatePerSecond, 0);
    }

    /** A configuration with the default rate limits (sends aside) and HTTP settings, and no request log. */
    public ServerConfig(String serverName, String host, int port, String dataDir, String database, Optional<String> postgresUrl,
            boolean registration, int maxBodyBytes, double sendRatePerSecond, long accessTokenLifetimeMs) {
        this(serverName, host, port, dataDir, database, postgresUrl, registration, maxBodyBytes, sendRatePerSecond, accessTokenLifetimeMs,
                null, null, false, null, null, null, null, null, null, null, false, null, false, false, null);
    }

    /** This configuration with other rate limits. */
    public ServerConfig withRateLimits(RateLimits limits) {
        return with(c -> {
            c.rateLimits = limits;
            c.sendRatePerSecond = 0; // the older key must not override the new limits
        });
    }

    /** This configuration with other HTTP settings. */
    public ServerConfig withHttp(HttpSettings settings) {
        return with(c -> c.http = settings);
    }

    /** This configuration with the request log on or off. */
    public ServerConfig withRequestLog(boolean on) {
        return with(c -> c.requestLog = on);
    }

    /** This configuration with other media settings. */
    public ServerConfig withMedia(MediaSettings settings) {
        return with(c -> c.media = settings);
    }

    /** This configuration with other push settings. */
    public ServerConfig withPush(PushSettings settings) {
        return with(c -> c.push = settings);
    }

    /** This configuration with other federation settings. */
    public ServerConfig withFederation(FederationSettings settings) {
        return with(c -> c.federation = settings);
    }

    /** This configuration with other metrics settings. */
    public ServerConfig withMetrics(MetricsSettings settings) {
        return with(c -> c.metrics = settings);
    }

    /** This configuration with these application service registration files. */
    public ServerConfig withAppServiceConfigFiles(List<String> files) {
        return with(c -> c.appServiceConfigFiles = files);
    }

    /** This configuration with another TURN server. */
    public ServerConfig withTurn(TurnSettings settings) {
        return with(c -> c.turn = settings);
    }

    /** This configuration with other URL preview settings. */
    public ServerConfig withUrlPreview(UrlPreviewSettings settings) {
        return with(c -> c.urlPreview = settings);
    }

    /** This configuration with registration taking a token, or not. */
    public ServerConfig withRegistrationRequiringToken(boolean requires) {
        return with(c -> c.registrationRequiresToken = requires);
    }

    /** This configuration with registration open to anyone, or closed. */
    public ServerConfig withRegistration(boolean open) {
        return with(c -> c.registration = open);
    }

    /** This configuration with guest registration ({@code allow_guest_access}) on or off. */
    public ServerConfig withGuestAccess(boolean allow) {
        return with(c -> c.allowGuestAccess = allow);
    }

    /** This configuration with registration taking a validated email address, or not. */
    public ServerConfig withRegistrationRequiringEmail(boolean requires) {
        return with(c -> c.registrationRequiresEmail = requires);
    }

    /** This configuration with phone numbers validated by the identity server at {@code baseUrl}, or none. */
    public ServerConfig withMsisdnDelegate(Optional<String> baseUrl) {
        return with(c -> c.msisdnDelegate = baseUrl);
    }

    /** This configuration with another SMTP server. */
    public ServerConfig withEmail(EmailSettings settings) {
        return with(c -> c.email = settings);
    }

    /** This configuration with one part changed: the one place besides the record's header that lists every part. */
    private ServerConfig with(Consumer<Parts> change) {
        Parts parts = new Parts(this);
        change.accept(parts);
        return parts.build();
    }

    /** The parts of a configuration, to change one and build the whole again. */
    private static final class Parts {
        String serverName;
        String host;
        int port;
        String dataDir;
        String database;
        Optional<String> postgresUrl;
        boolean registration;
        int maxBodyBytes;
        double sendRatePerSecond;
        long accessTokenLifetimeMs;
        RateLimits rateLimits;
        HttpSettings http;
        boolean requestLog;
        MediaSettings media;
        PushSettings push;
        FederationSettings federation;
        MetricsSettings metrics;
        List<String> appServiceConfigFiles;
        TurnSettings turn;
        UrlPreviewSettings urlPreview;
        boolean registrationRequiresToken;
        EmailSettings email;
        boolean allowGuestAccess;
        boolean registrationRequiresEmail;
        Optional<String> msisdnDelegate;

        Parts(ServerConfig c) {
            serverName = c.serverName;
            host = c.host;
            port = c.port;
            dataDir = c.dataDir;
            database = c.database;
            postgresUrl = c.postgresUrl;
            registration = c.registration;
            maxBodyBytes = c.maxBodyBytes;
            sendRatePerSecond = c.sendRatePerSecond;
            accessTokenLifetimeMs = c.accessTokenLifetimeMs;
            rateLimits = c.rateLimits;
            http = c.http;
            requestLog = c.requestLog;
            media = c.media;
            push = c.push;
            federation = c.federation;
            metrics = c.metrics;
            appServiceConfigFiles = c.appServiceConfigFiles;
            turn = c.turn;
            urlPreview = c.urlPreview;
            registrationRequiresToken = c.registrationRequiresToken;
            email = c.email;
            allowGuestAccess = c.allowGuestAccess;
            registrationRequiresEmail = c.registrationRequiresEmail;
            msisdnDelegate = c.msisdnDelegate;
        }

        ServerConfig build() {
            return new ServerConfig(serverName, host, port, dataDir, database, postgresUrl, registration, maxBodyBytes, sendRatePerSecond,
                    accessTokenLifetimeMs, rateLimits, http, requestLog, media, push, federation, metrics, appServiceConfigFiles, turn, urlPreview,
                    registrationRequiresToken, email, allowGuestAccess, registrationRequiresEmail, msisdnDelegate);
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, 0, null, null, null, true, 0, 0);
    }

    public static ServerConfig read(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory())
                    .registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(Files.readString(file), ServerConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a homeserver configuration: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** A commented YAML configuration with these values. */
    public String toYaml() {
        return """
                # mxspec homeserver configuration
                # The server name: the part after ':' in user IDs (@alice:%1$s) and room IDs.
                server_name: %1$s
                # Where to listen for the Client-Server API.
                host: %2$s
                port: %3$d
                # Where the SQLite database and the server's signing key are kept.
                data_dir: %4$s
                # sqlite (embedded, in data_dir) or postgresql (then set postgres_url).
                database: %5$s
                # postgres_url: jdbc:postgresql://127.0.0.1:5432/matrix?user=matrix
                # Whether anyone may register an account (register-user works either way).
                registration: %6$s
                # Whether registering takes a token made with create-registration-token (m.login.registration_token).
                registration_requires_token: %10$s
                # Whether registering takes an email address validated by mail (m.login.email.identity); needs email: below.
                # Without it, registration offers the email flow beside the others when mail is configured.
                registration_requires_email: %12$s
                # The identity server that sends the SMS of phone number validation (msisdn requestToken endpoints, the
                # m.login.msisdn registration stage); without it phone numbers are refused (400 M_UNKNOWN).
                # msisdn_delegate: https://identity.example.org
                # Whether register?kind=guest makes guest accounts, limited to the spec's guest access endpoints.
                allow_guest_access: %11$s
                # The largest request body accepted, in bytes.
                max_body_bytes: %7$d
                # How long an access token lives when the client asked for a refresh token, in ms.
                access_token_lifetime_ms: %8$d
                # One log line per request (method, path without tokens, status, time), through the server's log.
                request_log: %9$s
                """.formatted(serverName, host, port, dataDir, database, registration, maxBodyBytes, accessTokenLifetimeMs, requestLog,
                registrationRequiresToken, allowGuestAccess, registrationRequiresEmail)
                + rateLimits.toYaml() + http.toYaml() + media.toYaml() + push.toYaml() + federation.toYaml() + metrics.toYaml() + turn.toYaml() + urlPreview.toYaml()
                + email.toYaml()
                + appServicesYaml()
                + msisdnDelegate.map(u -> "msisdn_delegate: " + u + "\n").orElse("")
                + postgresUrl.map(u -> "postgres_url: " + u + "\n").orElse("");
    }

    private String appServicesYaml() {
        StringBuilder yaml = new StringBuilder("""
                # Application services (bridges, bots): their registration files, in the format bridges ship.
                """);
        if (appServiceConfigFiles.isEmpty()) {
            return yaml.append("# app_service_config_files: [/etc/mxspec/irc-bridge.yaml]\n").toString();
        }
        yaml.append("app_service_config_files:\n");
        appServiceConfigFiles.forEach(f -> yaml.append("  - ").append(f).append('\n'));
        return yaml.toString();
    }
}
