package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
 * @param sendRatePerSecond events each user may send per second (bursts of five times that); negative for no limit
 * @param accessTokenLifetimeMs how long an access token issued with a refresh token lives (15 minutes)
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
        @JsonProperty("access_token_lifetime_ms") long accessTokenLifetimeMs) {

    public ServerConfig {
        serverName = serverName == null ? "localhost" : serverName;
        host = host == null ? "127.0.0.1" : host;
        port = port == 0 ? 8008 : port;
        dataDir = dataDir == null ? "data" : dataDir;
        database = database == null ? "sqlite" : database;
        postgresUrl = postgresUrl == null ? Optional.empty() : postgresUrl;
        maxBodyBytes = maxBodyBytes == 0 ? 1 << 20 : maxBodyBytes;
        sendRatePerSecond = sendRatePerSecond == 0 ? 20 : sendRatePerSecond;
        accessTokenLifetimeMs = accessTokenLifetimeMs == 0 ? 15 * 60 * 1000 : accessTokenLifetimeMs;
        if (accessTokenLifetimeMs < 0) {
            throw new IllegalArgumentException("access_token_lifetime_ms must be positive, not " + accessTokenLifetimeMs);
        }
        if (!database.equals("sqlite") && !database.equals("postgresql")) {
            throw new IllegalArgumentException("database must be sqlite or postgresql, not '" + database + "'");
        }
        if (database.equals("postgresql") && postgresUrl.isEmpty()) {
            throw new IllegalArgumentException("database postgresql needs postgres_url (a JDBC URL)");
        }
    }

    /** A configuration with the default access token lifetime. */
    public ServerConfig(String serverName, String host, int port, String dataDir, String database, Optional<String> postgresUrl,
            boolean registration, int maxBodyBytes, double sendRatePerSecond) {
        this(serverName, host, port, dataDir, database, postgresUrl, registration, maxBodyBytes, sendRatePerSecond, 0);
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
                # The largest request body accepted, in bytes.
                max_body_bytes: %7$d
                # Events each user may send per second (bursts of five times that); -1 for no limit.
                send_rate_per_second: %8$s
                # How long an access token lives when the client asked for a refresh token, in ms.
                access_token_lifetime_ms: %9$d
                """.formatted(serverName, host, port, dataDir, database, registration, maxBodyBytes, sendRatePerSecond, accessTokenLifetimeMs)
                + postgresUrl.map(u -> "postgres_url: " + u + "\n").orElse("");
    }
}
