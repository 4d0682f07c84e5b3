package dev.mxspec.homeserver.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** PostgreSQL, for production: a pooled connection to a database given by a JDBC URL. */
public final class PostgresStorage extends JdbcStorage {

    private PostgresStorage(HikariDataSource data) {
        super(data);
    }

    public static PostgresStorage open(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(16);
        config.setPoolName("mxspec-postgres");
        return new PostgresStorage(new HikariDataSource(config));
    }
}
