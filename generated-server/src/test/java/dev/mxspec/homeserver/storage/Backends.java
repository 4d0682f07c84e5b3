package dev.mxspec.homeserver.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh storages for tests: SQLite in a temporary folder, and PostgreSQL in a new schema of the
 * database named by {@code MXSPEC_TEST_POSTGRES_URL} (set by {@code .ci/run}); PostgreSQL tests are
 * skipped, and reported as skipped, when it is not set.
 */
public final class Backends {

    public static final String POSTGRES_ENV = "MXSPEC_TEST_POSTGRES_URL";

    private Backends() {}

    public static Storage open(String backend, Path dir) throws Exception {
        return switch (backend) {
            case "sqlite" -> SqliteStorage.open(Files.createDirectories(dir).resolve("homeserver.db"));
            case "postgresql" -> PostgresStorage.open(postgresSchemaUrl());
            default -> throw new IllegalArgumentException(backend);
        };
    }

    /** A JDBC URL to an empty schema of its own in the test database. */
    public static String postgresSchemaUrl() throws SQLException {
        String url = System.getenv(POSTGRES_ENV);
        Assumptions.assumeTrue(url != null && !url.isBlank(), POSTGRES_ENV + " is not set: PostgreSQL tests are skipped");
        String schema = "mx_" + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT) + "_" + (int) (Math.random() * 1000);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
