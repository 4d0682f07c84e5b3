package dev.mxspec.homeserver.main;

import dev.mxspec.runtime.api.PathCodec;

import dev.mxspec.homeserver.api.AccountHandlers;
import dev.mxspec.homeserver.appservice.RegistrationFiles;
import dev.mxspec.homeserver.appservice.Registrations;
import dev.mxspec.homeserver.api.DirectoryHandlers;
import dev.mxspec.homeserver.api.FilterHandlers;
import dev.mxspec.homeserver.api.MediaHandlers;
import dev.mxspec.homeserver.api.NotificationHandlers;
import dev.mxspec.homeserver.media.FileMediaStore;
import dev.mxspec.homeserver.media.MediaService;
import dev.mxspec.homeserver.api.PushRuleHandlers;
import dev.mxspec.homeserver.api.RelationHandlers;
import dev.mxspec.homeserver.api.PushRuleListings;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.homeserver.api.RoomHandlers;
import dev.mxspec.homeserver.api.SyncHandlers;
import dev.mxspec.homeserver.api.ThirdPartyIdHandlers;
import dev.mxspec.homeserver.services.Aliases;
import dev.mxspec.homeserver.services.BackfilledEvents;
import dev.mxspec.homeserver.services.EventVisibility;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.services.Search;
import dev.mxspec.homeserver.api.UserStreamHandlers;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.services.DeviceLists;
import dev.mxspec.homeserver.services.KeysService;
import dev.mxspec.homeserver.api.KeysHandlers;
import dev.mxspec.homeserver.services.Memberships;
import dev.mxspec.homeserver.services.Notifications;
import dev.mxspec.homeserver.services.Notifier;
import dev.mxspec.homeserver.services.PushDelivery;
import dev.mxspec.homeserver.services.Pushers;
import dev.mxspec.homeserver.services.RoomRules;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.SpecRoomRules;
import dev.mxspec.homeserver.sync.SyncService;
import dev.mxspec.homeserver.api.ServerInfoHandlers;
import dev.mxspec.homeserver.core.RateLimits;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.http.HttpServer;
import dev.mxspec.homeserver.http.RequestLog;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.RateLimiter;
import dev.mxspec.homeserver.storage.PostgresStorage;
import dev.mxspec.homeserver.storage.SqliteStorage;
import dev.mxspec.homeserver.storage.Storage;
import dev.mxspec.spec.v1_7.clientserver.server.ClientServerRouter;
import dev.mxspec.homeserver.core.Metrics;
import dev.mxspec.homeserver.federation.Federation;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.federation.FederationMetrics;
import dev.mxspec.homeserver.federation.membership.InviteHandlers;
import dev.mxspec.homeserver.federation.membership.JoinHandlers;
import dev.mxspec.homeserver.federation.membership.KnockHandlers;
import dev.mxspec.homeserver.federation.membership.LeaveHandlers;
import dev.mxspec.homeserver.federation.membership.RemoteAliases;
import dev.mxspec.homeserver.federation.membership.RemoteInvites;
import dev.mxspec.homeserver.federation.membership.RemoteJoins;
import dev.mxspec.homeserver.federation.membership.RemoteKnocks;
import dev.mxspec.homeserver.federation.membership.RemoteLeaves;
import dev.mxspec.homeserver.federation.devices.DeviceListAnnouncer;
import dev.mxspec.homeserver.federation.devices.DeviceQueryHandlers;
import dev.mxspec.homeserver.federation.devices.EduOutbox;
import dev.mxspec.homeserver.federation.devices.InboundUserEdus;
import dev.mxspec.homeserver.federation.devices.OutboundUserEdus;
import dev.mxspec.homeserver.federation.devices.RemoteDeviceKeys;
import dev.mxspec.homeserver.federation.membership.ThirdPartyInviteHandlers;
import dev.mxspec.homeserver.federation.rooms.Backoff;
import dev.mxspec.homeserver.federation.rooms.EventHandlers;
import dev.mxspec.homeserver.federation.rooms.FederationReads;
import dev.mxspec.homeserver.federation.rooms.FederationSender;
import dev.mxspec.homeserver.federation.rooms.InboundEdus;
import dev.mxspec.homeserver.federation.rooms.InboundTransactions;
import dev.mxspec.homeserver.federation.rooms.Backfiller;
import dev.mxspec.homeserver.federation.rooms.MissingPrevEvents;
import dev.mxspec.homeserver.federation.rooms.RoomAcls;
import dev.mxspec.homeserver.federation.rooms.ServerVisibility;
import dev.mxspec.homeserver.federation.rooms.TransactionHandlers;
import dev.mxspec.homeserver.federation.rooms.TransactionSender;
import dev.mxspec.homeserver.services.StateGroups;
import dev.mxspec.homeserver.federation.FederationQueries;
import dev.mxspec.homeserver.federation.RemoteProfileQuery;
import dev.mxspec.homeserver.federation.SigningKeys;
import dev.mxspec.homeserver.federation.queries.FederatedMedia;
import dev.mxspec.homeserver.federation.queries.OpenIdUserInfo;
import dev.mxspec.homeserver.federation.queries.PublicRoomHandlers;
import dev.mxspec.homeserver.federation.queries.RemoteHierarchy;
import dev.mxspec.homeserver.federation.queries.RemotePublicRooms;
import dev.mxspec.homeserver.federation.queries.SpaceHierarchyHandlers;
import dev.mxspec.homeserver.api.HierarchyHandlers;
import dev.mxspec.homeserver.api.OpenIdHandlers;
import dev.mxspec.homeserver.api.TimestampHandlers;
import dev.mxspec.homeserver.api.ReportHandlers;
import dev.mxspec.homeserver.api.SearchHandlers;
import dev.mxspec.homeserver.api.SsoHandlers;
import dev.mxspec.homeserver.api.VoipHandlers;
import dev.mxspec.homeserver.services.EventsByTime;
import dev.mxspec.homeserver.services.OpenIdTokens;
import dev.mxspec.homeserver.services.PublicRooms;
import dev.mxspec.homeserver.services.SpaceHierarchy;
import dev.mxspec.spec.v1_7.serverserver.server.ServerServerRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/** A running homeserver: storage, services, the generated router and Jetty, wired from a configuration. */
public final class Homeserver implements AutoCloseable {

    private final Storage storage;
    private final HttpServer http;
    private final PushDelivery delivery;
    private final ServerConfig config;
    private final RoomService rooms;
    private final UserStreams streams;
    private final Federation federation;
    private final Optional<FederationSender> sender;
    private final Metrics metrics;
    private final Optional<HttpServer> metricsListener;
    private final Registrations appServices;

    /** The implementation version reported by {@code /_matrix/federation/v1/version}. */
    static final String VERSION = "0.1.0";

    private Homeserver(ServerConfig config, Storage storage, HttpServer http, PushDelivery delivery, RoomService rooms,
            UserStreams streams, Federation federation, FederationSender sender, Metrics metrics, HttpServer metricsListener,
            Registrations appServices) {
        this.config = config;
        this.appServices = appServices;
        this.metrics = metrics;
        this.metricsListener = Optional.ofNullable(metricsListener);
        this.sender = Optional.ofNullable(sender);
        this.streams = streams;
        this.federation = federation;
        this.rooms = rooms;
        this.storage = storage;
        this.http = http;
        this.delivery = delivery;
    }

    public static Storage openStorage(ServerConfig config) throws java.io.IOException {
        if (config.database().equals("postgresql")) {
            return PostgresStorage.open(config.postgresUrl().orElseThrow());
        }
        Path dir = Files.createDirectories(Path.of(config.dataDir()));
        return SqliteStorage.open(dir.resolve("homeserver.db"));
    }

    /** Starts serving; with port 0 on any free port. */
    public static Homeserver start(ServerConfig config) throws Exception {
        Registrations appServices = RegistrationFiles.load(config.appServiceConfigFiles().stream().map(Path::of).toList(),
                config.serverName()); // a broken registration file stops the start before anything is opened
        Storage storage = openStorage(config);
        Federation federation = null;
        FederationSender sender = null;
        Metrics metrics = new Metrics();
        HttpServer metricsListener = null;
        try {
            FederationMetrics federationMetrics = new FederationMetrics(metrics.registry());
            LongSupplier clock = System::currentTimeMillis;
            RateLimits limits = config.rateLimits();
            // AccountHandlers limits keys "login:<address>" and "register:<address>"
            RateLimiter limiter = RateLimiter.byKeyPrefix(Map.of(
                    "login", RateLimiter.of(limits.login(), clock),
                    "register", RateLimiter.of(limits.registration(), clock)));
            String baseUrl = "http://" + (config.host().equals("0.0.0.0") ? "localhost" : config.host()) + ":" + config.port();
            SigningKeys.Loaded keysLoaded = SigningKeys.load(storage, config.federation(), clock);
            SigningKey signingKey = keysLoaded.current();
            RoomRules rules = new SpecRoomRules(config.serverName(), signingKey);
            Notifier notifier = new Notifier();
            StreamCounter stream = new StreamCounter(storage.maxStreamPos());
            Memberships memberships = new Memberships(storage, stream);
            EventVisibility visibility = new EventVisibility(storage, stream);
            UserStreams streams = new UserStreams(storage, stream, memberships, notifier, clock);
            dev.mxspec.homeserver.services.PushRules pushRules = new dev.mxspec.homeserver.services.PushRules(streams);
            Notifications notifications = new Notifications(storage, storage, storage, stream, pushRules::ruleset, visibility::ignoredUsers,
                    config.serverName(), config.push().evaluate());
            pushRules.onChange(notifications::rulesChanged);
            RoomService rooms = new RoomService(storage, rules, stream, memberships, notifier, notifications, config.serverName(), clock);
            visibility.readStates(rooms.stateGroups()::state);
            Pushers pushers = new Pushers(storage, stream, clock, config.push().allowPrivateGateways());
            PushDelivery delivery = new PushDelivery(storage, notifications, pushers, rooms, clock, 1000);
            notifications.onNotified(delivery::notified);
            pushers.onChange(delivery::pushersChanged);
            DeviceLists deviceLists = new DeviceLists(storage, stream, memberships, notifier);
            AccountService accounts = new AccountService(storage, config.serverName(), clock, config.accessTokenLifetimeMs(),
                    deviceLists::changed, RateLimiter.of(limits.loginFailures(), clock));
            AccountHandlers accountHandlers = new AccountHandlers(accounts, config.registration(), limiter);
            RateLimiter sends = RateLimiter.of(limits.sends(), clock);
            RoomReads reads = new RoomReads(rooms, memberships, visibility);
            Aliases aliases = new Aliases(storage, rooms, config.serverName());
            RoomHandlers roomHandlers = new RoomHandlers(rooms, reads, aliases, sends, clock);
            RelationHandlers relationHandlers = new RelationHandlers(reads, rooms.relations(), clock);
            FilterHandlers filters = new FilterHandlers(storage);
            PublicRooms publicRooms = new PublicRooms(rooms, config.serverName());
            DirectoryHandlers directory = new DirectoryHandlers(rooms, reads, aliases, publicRooms, config.serverName(), clock);
            SpaceHierarchy hierarchy = new SpaceHierarchy(rooms, config.serverName());
            OpenIdTokens openIdTokens = new OpenIdTokens(storage, clock);
            MediaService media = media(config);
            MediaHandlers mediaHandlers = new MediaHandlers(media, accounts::authenticate);
            UserStreamHandlers streamHandlers = new UserStreamHandlers(streams, rooms, notifications, clock);
            KeysService keys = new KeysService(storage, stream, deviceLists, config.serverName());
            SyncHandlers sync = new SyncHandlers(new SyncService(rooms, streams, deviceLists, keys, notifier, clock, visibility, notifications), filters);
            ServerInfoHandlers info = new ServerInfoHandlers(accounts, rooms, baseUrl, rules.supportedVersions(), rules.defaultVersion());
            PushRuleListings pushRuleListings = new PushRuleListings(pushRules, accounts::authenticate);
            NotificationHandlers notificationHandlers = new NotificationHandlers(notifications, pushers, clock);
            ClientServerRouter router = ClientServerRouter.builder((endpoint, request) -> accounts.authenticate(request.accessToken()))
                    .registration(accountHandlers)
                    .login(accountHandlers)
                    .logout(accountHandlers)
                    .whoami(accountHandlers)
                    .refresh(accountHandlers)
                    .loginToken(accountHandlers)
                    .deviceManagement(accountHandlers)
                    .administrativeContact(new ThirdPartyIdHandlers())
                    .versions(info)
                    .wellknown(info)
                    .capabilities(info)
                    .profile(info)
                    .createRoom(roomHandlers)
                    .roomSend(roomHandlers)
                    .roomState(roomHandlers)
                    .rooms(roomHandlers)
                    .messagePagination(roomHandlers)
                    .joining(roomHandlers)
                    .inviting(roomHandlers)
                    .leaving(roomHandlers)
                    .kicking(roomHandlers)
                    .banning(roomHandlers)
                    .listJoinedRooms(roomHandlers)
                    .redaction(roomHandlers)
                    .relations(relationHandlers)
                    .threadsList(relationHandlers)
                    .filter(filters)
                    .typing(streamHandlers)
                    .receipts(streamHandlers)
                    .readMarkers(streamHandlers)
                    .accountData(streamHandlers)
                    .tags(streamHandlers)
                    .presence(streamHandlers)
                    .toDevice(streamHandlers)
                    .pushrules(new PushRuleHandlers(pushRules))
                    .notifications(notificationHandlers)
                    .pusher(notificationHandlers)
                    .directory(directory)
                    .listPublicRooms(directory)
                    .eventContext(directory)
                    .knocking(directory)
                    .contentRepo(mediaHandlers)
                    .sync(sync)
                    .keys(new KeysHandlers(keys, deviceLists))
                    .spaceHierarchy(new HierarchyHandlers(hierarchy))
                    .openid(new OpenIdHandlers(openIdTokens, config.serverName()))
                    .roomEventByTimestamp(new TimestampHandlers(reads, new EventsByTime(storage)))
                    .voip(new VoipHandlers(config.turn(), clock))
                    .ssoLoginRedirect(new SsoHandlers())
                    .reportContent(new ReportHandlers(reads, storage, clock))
                    .search(new SearchHandlers(new Search(storage, memberships, reads), reads, clock))
                    .build();
            HttpServer.Options httpOptions = new HttpServer.Options(config.maxBodyBytes(), config.http(),
                    config.requestLog() ? RequestLog.toLogger() : null);
            federation = Federation.create(config.serverName(), keysLoaded, config.federation(), storage, clock);
            StateGroups groups = rooms.stateGroups(); // shared: a second instance would keep a cache of its own
            FederationReads serverReads = new FederationReads(storage, storage, groups, new ServerVisibility(storage, groups, rooms),
                    new RoomAcls(rooms));
            Federation client = federation;
            RemoteDeviceKeys remoteKeys = new RemoteDeviceKeys(federation.client(), storage, memberships, config.serverName());
            InboundUserEdus userEdus = new InboundUserEdus(streams, deviceLists, memberships, storage, storage, remoteKeys, config.serverName(),
                    clock);
            DeviceQueryHandlers deviceQueries = new DeviceQueryHandlers(accounts, storage, keys, storage, config.serverName());
            InboundTransactions inbound = new InboundTransactions(rooms, storage, new InboundEdus(rooms, streams, userEdus, federationMetrics), federation.keys(), clock,
                    Optional.of(new MissingPrevEvents(rooms, storage, (d, m, u, b) -> client.client().send(d, m, u, b), federation.keys())),
                    federationMetrics);
            JoinHandlers joins = new JoinHandlers(rooms, federation.keys());
            InviteHandlers invites = new InviteHandlers(rooms, federation.keys(), config.serverName());
            LeaveHandlers leaves = new LeaveHandlers(rooms, federation.keys());
            EventHandlers serverEvents = new EventHandlers(serverReads, config.serverName(), clock);
            ServerServerRouter federationRouter = federation.routes(VERSION)
                    .query(new FederationQueries(accounts, aliases, config.serverName()))
                    .transactions(new TransactionHandlers(inbound))
                    .events(serverEvents)
                    .eventAuth(serverEvents)
                    .backfill(serverEvents)
                    .joinsV1(joins)
                    .joinsV2(joins)
                    .invitesV1(invites)
                    .invitesV2(invites)
                    .leavingV1(leaves)
                    .leavingV2(leaves)
                    .userDevices(deviceQueries)
                    .userKeys(deviceQueries)
                    .publicRooms(new PublicRoomHandlers(publicRooms))
                    .spaceHierarchy(new SpaceHierarchyHandlers(hierarchy))
                    .openid(new OpenIdUserInfo(openIdTokens))
                    .knocks(new KnockHandlers(rooms, federation.keys()))
                    .thirdPartyInvite(new ThirdPartyInviteHandlers(rooms,
                            config.federation().enabled() ? Optional.of(federation.client()) : Optional.empty(), config.serverName()))
                    .build();
            if (config.federation().enabled()) { // new local events and typing, receipts go out to the rooms' other servers
                Federation out = federation;
                sender = new FederationSender(storage, rooms, (destination, txnId, body) -> {
                    FederationClient.Response r = out.client().send(destination, "PUT", "/_matrix/federation/v1/send/"
                            + PathCodec.encodeSegment(txnId),
                            Optional.of(body));
                    return new TransactionSender.Response(r.status(), r.body());
                }, config.serverName(), clock, Backoff.DEFAULT);
                rooms.onLocalEvent(sender);
                rooms.remoteJoins(new RemoteJoins(rooms, federation.client(), federation.keys(), config.serverName()));
                reads.backfillFrom(new Backfiller(rooms, storage, new BackfilledEvents(rooms), (d, m, u, b) -> out.client().send(d, m, u, b),
                        federation.keys(), config.serverName()));
                aliases.remoteDirectory(new RemoteAliases(federation.client()));
                accounts.remoteProfiles(new RemoteProfileQuery(federation.client()));
                rooms.remoteInvites(new RemoteInvites(federation.client(), federation.keys()));
                rooms.remoteLeaves(new RemoteLeaves(rooms, federation.client(), federation.keys(), config.serverName()));
                publicRooms.remote(new RemotePublicRooms(federation.client()));
                hierarchy.remote(new RemoteHierarchy(federation.client(), config.serverName(), clock));
                Path remoteMedia = Path.of(config.dataDir()).resolve("remote_media");
                media.remote(new FederatedMedia(federation.client()), origin -> new FileMediaStore(remoteMedia.resolve(origin), Optional.empty()));
                rooms.remoteKnocks(new RemoteKnocks(rooms, federation.client(), federation.keys(), config.serverName()));
                streams.listen(sender);
                EduOutbox edus = sender::sendEdu; // presence, device lists and to-device messages of local users go out too
                OutboundUserEdus userEdusOut = new OutboundUserEdus(memberships, edus, config.serverName());
                streams.listen(userEdusOut);
                streams.remoteToDevice(config.serverName(), userEdusOut);
                deviceLists.onChange(new DeviceListAnnouncer(storage, storage, storage, memberships, edus, config.serverName()));
                keys.remoteKeys(remoteKeys);
                inbound.onHeardFrom(sender::heardFrom);
                sender.start();
            }
            // other servers fetch this server's media on its federation port too, as v1.7 does (before authenticated media)
            ClientServerRouter mediaRouter = ClientServerRouter.builder((endpoint, request) -> accounts.authenticate(request.accessToken()))
                    .contentRepo(mediaHandlers)
                    .build();
            var countedFederation = federationMetrics.counting(federationRouter::handle);
            federation.listen(config.host(), r -> r.path().startsWith("/_matrix/media/") ? mediaRouter.handle(r) : countedFederation.apply(r),
                    httpOptions);
            HttpServer http = HttpServer.start(config.host(), Math.max(0, config.port()), request -> {
                        ServerRequest r = dev.mxspec.homeserver.api.Uia.emptyBodyAsChallenge(legacyPrefix(request));
                        return pushRuleListings.answer(r).orElseGet(() -> router.handle(r));
                    },
                    httpOptions);
            delivery.start();
            if (config.metrics().enabled()) {
                metricsListener = HttpServer.start(config.metrics().host(), config.metrics().port(), metrics::answer, httpOptions);
            }
            return new Homeserver(config, storage, http, delivery, rooms, streams, federation, sender, metrics, metricsListener, appServices);
        } catch (Exception | Error e) {
            if (metricsListener != null) {
                metricsListener.close();
            }
            metrics.close();
            if (sender != null) {
                sender.close();
            }
            if (federation != null) {
                federation.close();
            }
            storage.close();
            throw e;
        }
    }

    /** The media repository: files in {@code data_dir/media}, served from {@code media.public_base_url} to clients that allow it. */
    static MediaService media(ServerConfig config) {
        FileMediaStore store = new FileMediaStore(Path.of(config.dataDir()).resolve("media"), config.media().publicBaseUrl());
        return new MediaService(store, config.serverName(), config.maxBodyBytes(), config.media());
    }

    /** Clients that still use the {@code r0} prefix (matrix-nio 0.20) get the {@code v3} endpoints, which are the same. */
    static ServerRequest legacyPrefix(ServerRequest r) {
        String legacy = "/_matrix/client/r0/";
        return r.path().startsWith(legacy)
                ? new ServerRequest(r.method(), "/_matrix/client/v3/" + r.path().substring(legacy.length()), r.query(), r.headers(), r.body(),
                        r.remoteAddress())
                : r;
    }

    /** The server's Ed25519 signing key of version {@code a}, made and stored on first start. */
    static SigningKey signingKey(Storage storage, LongSupplier clock) {
        String keyId = "ed25519:a";
        return storage.signingSeed(keyId).map(SigningKey::decode).orElseGet(() -> {
            SigningKey key = SigningKey.generate("a");
            storage.saveSigningSeed(keyId, key.encode(), clock.getAsLong());
            return key;
        });
    }

    public int port() {
        return http.port();
    }

    public ServerConfig config() {
        return config;
    }

    public Storage storage() {
        return storage;
    }

    /** The rooms: where events from other servers come in ({@link RoomFederation#receive}). */
    public RoomService rooms() {
        return rooms;
    }

    /** Typing, receipts and the other per-user streams (where federation's EDUs go in and out). */
    public UserStreams streams() {
        return streams;
    }

    /** Federation: other servers' keys, the client for requests to them, the federation listener's port. */
    public Federation federation() {
        return federation;
    }

    /** The application services read from {@code app_service_config_files}. */
    public Registrations appServices() {
        return appServices;
    }

    /** The server's counters ({@code GET /metrics} on the metrics listener, when configured). */
    public Metrics metrics() {
        return metrics;
    }

    /** The port of the metrics listener, when it runs. */
    public Optional<Integer> metricsPort() {
        return metricsListener.map(HttpServer::port);
    }

    @Override
    public void close() {
        metricsListener.ifPresent(HttpServer::close);
        delivery.close();
        sender.ifPresent(FederationSender::close);
        federation.close();
        http.close();
        storage.close();
        metrics.close();
    }
}
