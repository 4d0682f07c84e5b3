package dev.mxspec.homeserver.storage;

/**
 * Everything the homeserver keeps, split by aggregate ({@link AccountStore}, {@link RoomStore},
 * {@link AliasStore}, {@link StreamStore}, {@link DeviceKeyStore}, {@link ServerKeyStore}, {@link RelationStore},
 * {@link NotificationStore}, {@link PusherStore}, {@link GraphStore}, {@link FederationStore},
 * {@link RemoteKeyStore}, {@link DeviceFederationStore}, {@link OpenIdStore}, {@link ReportStore},
 * {@link UserDirectoryStore}, {@link KeyBackupStore}, {@link AppServiceDirectoryStore}, {@link AppServiceStore},
 * {@link DeviceActivityStore}, {@link RegistrationTokenStore}, {@link CrossSigningStore}, {@link ThreepidStore},
 * {@link SearchStore}), each with
 * its own interface and SQL; services take the aggregates they use. Two implementations: SQLite
 * (the embedded default) and PostgreSQL; schema migrations (all tables, one history) run with
 * Flyway when a storage opens.
 */
public interface Storage extends ServerKeyStore, AccountStore, RoomStore, AliasStore, StreamStore, DeviceKeyStore, RelationStore,
        NotificationStore, PusherStore, GraphStore, FederationStore, RemoteKeyStore, DeviceFederationStore, OpenIdStore, ReportStore,
        UserDirectoryStore, KeyBackupStore, AppServiceDirectoryStore, AppServiceStore, DeviceActivityStore,
        RegistrationTokenStore, CrossSigningStore, ThreepidStore, SearchStore, AutoCloseable {

    /** The highest stream position used by any stream, to continue from after a restart. */
    long maxStreamPos();

    @Override
    void close();
}
