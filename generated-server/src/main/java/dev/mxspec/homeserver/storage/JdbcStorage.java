package dev.mxspec.homeserver.storage;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/**
 * The storage on JDBC with portable SQL ({@code INSERT ... ON CONFLICT} works on SQLite and
 * PostgreSQL alike): the SQL of each aggregate lives in its own {@code Jdbc*Store}, mixed in here
 * over one connection pool. {@link SqliteStorage} and {@link PostgresStorage} open it.
 */
abstract class JdbcStorage implements Storage, JdbcServerKeyStore, JdbcAccountStore, JdbcRoomStore, JdbcAliasStore, JdbcStreamStore,
        JdbcDeviceKeyStore, JdbcRelationStore, JdbcNotificationStore, JdbcPusherStore, JdbcGraphStore,
        JdbcFederationStore, JdbcRemoteKeyStore, JdbcDeviceFederationStore, JdbcOpenIdStore, JdbcReportStore, JdbcUserDirectoryStore,
        JdbcKeyBackupStore, JdbcAppServiceDirectoryStore, JdbcAppServiceStore, JdbcDeviceActivityStore,
        JdbcRegistrationTokenStore, JdbcCrossSigningStore, JdbcThreepidStore, JdbcSearchStore {

    private final HikariDataSource data;
    private final Jdbc jdbc;

    JdbcStorage(HikariDataSource data) {
        this.data = data;
        Flyway.configure().dataSource(data).locations("classpath:db/migration")
                .javaMigrations(new V6__RelationsOfExistingEvents(), new V9__RoomGraphOfExistingEvents(), new V20__SearchIndex(),
                        new V26__FoldedSearchText(), new V27__SearchTextFoldedAgain())
                .load().migrate();
        this.jdbc = new Jdbc(data);
    }

    @Override
    public Jdbc jdbc() {
        return jdbc;
    }

    @Override
    public void close() {
        data.close();
    }

    @Override
    public long maxStreamPos() {
        return jdbc.one("SELECT MAX(p) FROM (SELECT MAX(stream_pos) AS p FROM events UNION ALL SELECT MAX(stream_pos) FROM account_data "
                + "UNION ALL SELECT MAX(stream_pos) FROM receipts UNION ALL SELECT MAX(stream_pos) FROM to_device "
                + "UNION ALL SELECT MAX(stream_pos) FROM presence UNION ALL SELECT MAX(stream_pos) FROM memberships "
                + "UNION ALL SELECT MAX(stream_pos) FROM device_list_changes UNION ALL SELECT MAX(stream_pos) FROM user_signature_changes) AS streams",
                rs -> rs.getLong(1)).orElse(0L);
    }
}
