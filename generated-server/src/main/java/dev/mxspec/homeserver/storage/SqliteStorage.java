package dev.mxspec.homeserver.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;

/** The embedded default: one SQLite file, write-ahead logging, a small pool. */
public final class SqliteStorage extends JdbcStorage {

    private SqliteStorage(HikariDataSource data) {
        super(data);
    }

    public static SqliteStorage open(Path file) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        config.setMaximumPoolSize(4);
        config.setPoolName("mxspec-sqlite");
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "NORMAL");
        config.addDataSourceProperty("busy_timeout", "10000");
        config.addDataSourceProperty("foreign_keys", "true");
        return new SqliteStorage(new HikariDataSource(config));
    }
}
