package dev.mxspec.homeserver.main;

import dev.mxspec.runtime.api.PathCodec;

import dev.mxspec.homeserver.api.AccountHandlers;
import dev.mxspec.homeserver.appservice.IdentityAssertion;
import dev.mxspec.homeserver.appservice.AppServiceClient;
import dev.mxspec.homeserver.appservice.AppServiceMetrics;
import dev.mxspec.homeserver.appservice.AppServices;
import dev.mxspec.homeserver.appservice.RegistrationFiles;
import dev.mxspec.homeserver.api.AppServicePingHandlers;
import dev.mxspec.homeserver.api.ThirdPartyHandlers;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PingAppservice;
import dev.mxspec.homeserver.appservice.Registrations;
import dev.mxspec.homeserver.appservice.ServiceAccounts;
import dev.mxspec.homeserver.api.AppServiceDirectoryHandlers;
import dev.mxspec.homeserver.api.DirectoryHandlers;
import dev.mxspec.homeserver.api.FilterHandlers;
import dev.mxspec.homeserver.api.MediaHandlers;
import dev.mxspec.homeserver.api.NotificationHandlers;
import dev.mxspec.homeserver.media.FileMediaStore;
import dev.mxspec.homeserver.media.MediaService;
import dev.mxspec.homeserver.media.RemoteMediaCache;
import dev.mxspec.homeserver.media.UrlPreviews;
import dev.mxspec.homeserver.api.PushRuleHandlers;
import dev.mxspec.homeserver.api.RelationHandlers;
import dev.mxspec.homeserver.api.PushRuleListings;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.homeserver.api.RoomHandlers;
import dev.mxspec.homeserver.api.SyncHandlers;
import dev.mxspec.homeserver.api.ThirdPartyIdHandlers;
import dev.mxspec.homeserver.api.ThirdPartyInviteRequests;
import dev.mxspec.homeserver.api.ThreepidSubmitToken;
import dev.mxspec.homeserver.api.EmailPasswordReset;
import dev.mxspec.homeserver.services.Aliases;
import dev.mxspec.homeserver.services.BackfilledEvents;
import dev.mxspec.homeserver.services.EventVisibility;
import dev.mxspec.homeserver.services.GuestRooms;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.services.Search;
import dev.mxspec.homeserver.api.UserStreamHandlers;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.services.DeviceLists;
import dev.mxspec.homeserver.services.KeysService;
import dev.mxspec.homeserver.api.KeysHandlers;
import dev.mxspec.homeserver.api.KeyBackupHandlers;
import dev.mxspec.homeserver.services.KeyBackups;
import dev.mxspec.homeserver.api.CrossSigningHandlers;
import dev.mxspec.homeserver.services.CrossSigning;
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
import dev.mxspec.homeserver.federation.devices.SigningKeyAnnouncer;
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
import dev.mxspec.homeserver.api.UserDirectoryHandlers;
import dev.mxspec.homeserver.api.RoomUpgradeHandlers;
import dev.mxspec.homeserver.api.AdminHandlers;
import dev.mxspec.homeserver.api.GuestAccess;
import dev.mxspec.homeserver.api.RegistrationTokenHandlers;
import dev.mxspec.homeserver.services.RegistrationTokens;
import dev.mxspec.homeserver.services.DeviceActivity;
import dev.mxspec.homeserver.api.LegacySyncHandlers;
import dev.mxspec.homeserver.sync.LegacySync;
import dev.mxspec.homeserver.services.RoomUpgrades;
import dev.mxspec.homeserver.services.UserDirectory;
import dev.mxspec.homeserver.services.EventsByTime;
import dev.mxspec.homeserver.services.OpenIdTokens;
import dev.mxspec.spec.v1_7.clientserver.OpenIdCredentials;
import dev.mxspec.homeserver.services.PublicRooms;
import dev.mxspec.homeserver.services.SpaceHierarchy;
import dev.mxspec.homeserver.services.IdentityServers;
import dev.mxspec.homeserver.services.Mailer;
import dev.mxspec.homeserver.services.MsisdnDelegate;
import dev.mxspec.homeserver.services.ThirdPartyIds;
import dev.mxspec.homeserver.federation.RequestSigning;
import dev.mxspec.spec.v1_7.serverserver.endpoints.ExchangeOpenIdToken;
import dev.mxspec.spec.v1_7.serverserver.endpoints.OnBindThirdPartyIdentifier;
import java.net.URI;
import dev.mxspec.spec.v1_7.serverserver.server.ServerServerRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    private final List<AutoCloseable> closing;
    private final AppServices appServiceCalls;

    /** The implementation version reported by {@code /_matrix/federation/v1/version}. */
    static final String VERSION = "0.1.0";

    private Homeserver(ServerConfig config, Storage storage, HttpServer http, PushDelivery delivery, RoomService rooms,
            UserStreams streams, Federation federation, FederationSender sender, Metrics metrics, HttpServer metricsListener,
            Registrations appServices, List<AutoCloseable> closing, AppServices appServiceCalls) {
        this.closing = List.copyOf(closing);
        this.config = config;
        this.appServices = appServices;
        this.appServiceCalls = appServiceCalls;
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
        List<AutoCloseable> closing = new ArrayList<>(); // what else the server holds open, closed with it
        AppServices appServiceCalls = null;
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
            accounts.namespaces(appServices);
            IdentityAssertion identity = new IdentityAssertion(appServices, accounts, config.serverName())
                    .noting(new DeviceActivity(storage, clock));
            identity.createSenders();
            AccountHandlers accountHandlers = new AccountHandlers(accounts, config.registration(), limiter,
                    new ServiceAccounts(appServices, accounts, config.serverName()));
            Optional<RegistrationTokens> registrationTokens = config.registrationRequiresToken()
                    ? Optional.of(new RegistrationTokens(storage, clock)) : Optional.empty();
            registrationTokens.ifPresent(accountHandlers::requireTokens);
            accountHandlers.allowGuests(config.allowGuestAccess()).requireEmail(config.registrationRequiresEmail());
            GuestAccess guestAccess = new GuestAccess(accounts);
            GuestRooms guestRooms = new GuestRooms(rooms, accounts::isGuest);
            rooms.guestRooms(guestRooms);
            // third-party identifiers: mail through the SMTP server, binds, unbinds and 3PID invites at identity servers
            String idScheme = config.email().identityServerScheme();
            IdentityServers identityServers = new IdentityServers(name -> URI.create(idScheme + "://" + name),
                    (method, uri, destination, content) -> RequestSigning.sign(method, uri, config.serverName(), destination,
                            Optional.of(content), signingKey).header(), config.email()::identityServerDenied);
            closing.add(identityServers);
            java.util.concurrent.atomic.AtomicReference<String> listening = new java.util.concurrent.atomic.AtomicReference<>(baseUrl);
            ThirdPartyIds threepids = new ThirdPartyIds(storage, config.email().enabled() ? Optional.of(Mailer.smtp(config.email())) : Optional.empty(),
                    identityServers, () -> config.email().clientBaseUrl().orElse(listening.get()), config.email().validationTokenLifetimeMs(), clock);
            OpenIdTokens openIdTokens = new OpenIdTokens(storage, clock);
            config.msisdnDelegate().ifPresent(delegate -> threepids.delegateMsisdn(new MsisdnDelegate(URI.create(delegate), () -> {
                OpenIdTokens.Issued issued = openIdTokens.issue(MsisdnDelegate.userId(config.serverName()));
                return new OpenIdCredentials(issued.token(), "Bearer", config.serverName(), issued.expiresInSeconds(), Map.of());
            })));
            accountHandlers.thirdPartyIds(threepids);
            ThreepidSubmitToken submitToken = new ThreepidSubmitToken(threepids);
            EmailPasswordReset passwordReset = new EmailPasswordReset(threepids, accounts);
            RateLimiter sends = RateLimiter.of(limits.sends(), clock);
            RoomReads reads = new RoomReads(rooms, memberships, visibility);
            Aliases aliases = new Aliases(storage, rooms, config.serverName());
            aliases.namespaces(appServices);
            RoomHandlers roomHandlers = new RoomHandlers(rooms, reads, aliases, sends, clock);
            RelationHandlers relationHandlers = new RelationHandlers(reads, rooms.relations(), clock);
            FilterHandlers filters = new FilterHandlers(storage);
            PublicRooms publicRooms = new PublicRooms(rooms, storage, config.serverName());
            DirectoryHandlers directory = new DirectoryHandlers(rooms, reads, aliases, publicRooms, config.serverName(), clock);
            SpaceHierarchy hierarchy = new SpaceHierarchy(rooms, config.serverName());
            MediaService media = media(config);
            MediaHandlers mediaHandlers = new MediaHandlers(media, guestAccess.refusingGuests(identity::authenticate));
            if (config.urlPreview().enabled()) {
                UrlPreviews previews = new UrlPreviews(config.urlPreview(), media, clock);
                closing.add(previews);
                mediaHandlers.previews(previews);
            }
            UserStreamHandlers streamHandlers = new UserStreamHandlers(streams, rooms, notifications, clock);
            CrossSigning crossSigning = new CrossSigning(storage, storage, storage, deviceLists, config.serverName());
            KeysService keys = new KeysService(storage, stream, deviceLists, crossSigning, config.serverName());
            SyncHandlers sync = new SyncHandlers(new SyncService(rooms, streams, deviceLists, keys, notifier, clock, visibility, notifications), filters);
            ServerInfoHandlers info = new ServerInfoHandlers(accounts, rooms, baseUrl, rules.supportedVersions(), rules.defaultVersion());
            PushRuleListings pushRuleListings = new PushRuleListings(pushRules, guestAccess.refusingGuests(identity::authenticate));
            NotificationHandlers notificationHandlers = new NotificationHandlers(notifications, pushers, clock);
            RoomUpgrades upgrades = new RoomUpgrades(rooms, storage, streams);
            LegacySyncHandlers legacySync = new LegacySyncHandlers(new LegacySync(rooms, reads, streams, notifier, clock), rooms, reads, clock);
            rooms.onLocalEvent(upgrades); // joins of replacement rooms take the user's tags along
            // the homeserver's calls to application services: transactions of new events, user and alias queries, third-party lookups
            appServiceCalls = AppServices.create(appServices, storage, memberships, stream, config.serverName(), clock,
                    AppServiceClient.Timeouts.DEFAULT, new AppServiceMetrics(metrics.registry()));
            rooms.onNewEvent(appServiceCalls.transactions()::eventStored);
            aliases.appServiceAliases(appServiceCalls.queries()::aliasMadeByService);
            accounts.appServiceUsers(appServiceCalls.queries()::userMadeByService);
            ClientServerRouter router = ClientServerRouter.builder((endpoint, request) -> guestAccess.check(endpoint, identity.authenticate(request)))
                    .registration(accountHandlers)
                    .login(accountHandlers)
                    .logout(accountHandlers)
                    .whoami(accountHandlers)
                    .refresh(accountHandlers)
                    .loginToken(accountHandlers)
                    .deviceManagement(accountHandlers)
                    .administrativeContact(new ThirdPartyIdHandlers(threepids, accounts))
                    .thirdPartyMembership(new ThirdPartyInviteRequests(rooms, identityServers, name -> idScheme + "://" + name))
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
                    .appserviceRoomDirectory(new AppServiceDirectoryHandlers(publicRooms))
                    .eventContext(directory)
                    .knocking(directory)
                    .contentRepo(mediaHandlers)
                    .sync(sync)
                    .keys(new KeysHandlers(keys, deviceLists))
                    .keyBackup(new KeyBackupHandlers(new KeyBackups(storage)))
                    .crossSigning(new CrossSigningHandlers(crossSigning, accounts))
                    .spaceHierarchy(new HierarchyHandlers(hierarchy))
                    .openid(new OpenIdHandlers(openIdTokens, config.serverName()))
                    .roomEventByTimestamp(new TimestampHandlers(reads, new EventsByTime(storage)))
                    .voip(new VoipHandlers(config.turn(), clock))
                    .ssoLoginRedirect(new SsoHandlers())
                    .reportContent(new ReportHandlers(reads, storage, clock))
                    .users(new UserDirectoryHandlers(new UserDirectory(storage, storage, config.serverName())))
                    .roomUpgrades(new RoomUpgradeHandlers(upgrades))
                    .admin(new AdminHandlers(accounts, storage, config.serverName()))
                    .registrationTokens(new RegistrationTokenHandlers(config.registration(), registrationTokens, limiter))
                    .oldSync(legacySync)
                    .peekingEvents(legacySync)
                    .roomInitialSync(legacySync)
                    .thirdPartyLookup(new ThirdPartyHandlers(appServiceCalls.thirdParty()))
                    .appservicePing(new AppServicePingHandlers(appServiceCalls.clients(), appServiceCalls.transactions()::serviceIsUp))
                    .search(new SearchHandlers(new Search(storage, memberships, reads, rooms), reads, clock))
                    .build();
            HttpServer.Options httpOptions = new HttpServer.Options(config.maxBodyBytes(), config.http(),
                    config.requestLog() ? RequestLog.toLogger() : null);
            federation = Federation.create(config.serverName(), keysLoaded, config.federation(), storage, clock);
            StateGroups groups = rooms.stateGroups(); // shared: a second instance would keep a cache of its own
            FederationReads serverReads = new FederationReads(storage, storage, groups, new ServerVisibility(storage, groups, rooms),
                    new RoomAcls(rooms));
            Federation client = federation;
            RemoteDeviceKeys remoteKeys = new RemoteDeviceKeys(federation.client(), storage, storage, memberships, config.serverName());
            InboundUserEdus userEdus = new InboundUserEdus(streams, deviceLists, memberships, storage, storage, remoteKeys, config.serverName(),
                    clock);
            DeviceQueryHandlers deviceQueries = new DeviceQueryHandlers(accounts, storage, keys, storage, crossSigning, config.serverName());
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
                RemoteLeaves remoteLeaves = new RemoteLeaves(rooms, federation.client(), federation.keys(), config.serverName());
                rooms.remoteLeaves(remoteLeaves);
                rooms.remoteJoins(new RemoteJoins(rooms, guestRooms, remoteLeaves, federation.client(), federation.keys(), config.serverName()));
                reads.backfillFrom(new Backfiller(rooms, storage, new BackfilledEvents(rooms), (d, m, u, b) -> out.client().send(d, m, u, b),
                        federation.keys(), config.serverName()));
                aliases.remoteDirectory(new RemoteAliases(federation.client()));
                accounts.remoteProfiles(new RemoteProfileQuery(federation.client()));
                rooms.remoteInvites(new RemoteInvites(federation.client(), federation.keys()));
                publicRooms.remote(new RemotePublicRooms(federation.client()));
                hierarchy.remote(new RemoteHierarchy(federation.client(), config.serverName(), clock));
                RemoteMediaCache remoteMedia = new RemoteMediaCache(Path.of(config.dataDir()).resolve("remote_media"),
                        config.media().remoteMediaLifetimeMs(), clock);
                closing.add(remoteMedia);
                media.remote(new FederatedMedia(federation.client()), remoteMedia::of);
                remoteMedia.start();
                rooms.remoteKnocks(new RemoteKnocks(rooms, federation.client(), federation.keys(), config.serverName()));
                streams.listen(sender);
                EduOutbox edus = sender::sendEdu; // presence, device lists and to-device messages of local users go out too
                OutboundUserEdus userEdusOut = new OutboundUserEdus(memberships, edus, config.serverName());
                streams.listen(userEdusOut);
                streams.remoteToDevice(config.serverName(), userEdusOut);
                deviceLists.onChange(new DeviceListAnnouncer(storage, storage, storage, memberships, edus, crossSigning, config.serverName()));
                crossSigning.onChange(new SigningKeyAnnouncer(crossSigning, memberships, edus, config.serverName()));
                keys.remoteKeys(remoteKeys);
                crossSigning.remoteKeys(remoteKeys);
                inbound.onHeardFrom(sender::heardFrom);
                sender.start();
            }
            // other servers fetch this server's media on its federation port too, as v1.7 does (before authenticated media)
            ClientServerRouter mediaRouter = ClientServerRouter.builder((endpoint, request) -> guestAccess.check(endpoint, identity.authenticate(request)))
                    .contentRepo(mediaHandlers)
                    .build();
            var countedFederation = federationMetrics.counting(federationRouter::handle);
            federation.listen(config.host(), r -> r.path().startsWith("/_matrix/media/") ? mediaRouter.handle(r) : countedFederation.apply(r),
                    httpOptions);
            HttpServer http = HttpServer.start(config.host(), Math.max(0, config.port()), request -> {
                        ServerRequest r = dev.mxspec.homeserver.api.Uia.emptyBodyAsChallenge(legacyPrefix(request));
                        if (r.path().equals(OnBindThirdPartyIdentifier.ENDPOINT.path()) || r.path().equals(ExchangeOpenIdToken.ENDPOINT.path())) {
                            return federationRouter.handle(r); // identity servers call onbind and openid/userinfo at the client address too
                        }
                        return pushRuleListings.answer(r).or(() -> submitToken.answer(r)).or(() -> passwordReset.answer(r))
                                .orElseGet(() -> router.handle(r));
                    },
                    httpOptions);
            listening.set("http://" + (config.host().equals("0.0.0.0") ? "localhost" : config.host()) + ":" + http.port());
            delivery.start();
            appServiceCalls.start();
            if (config.metrics().enabled()) {
                metricsListener = HttpServer.start(config.metrics().host(), config.metrics().port(), metrics::answer, httpOptions);
            }
            return new Homeserver(config, storage, http, delivery, rooms, streams, federation, sender, metrics, metricsListener, appServices,
                    closing, appServiceCalls);
        } catch (Exception | Error e) {
            closeAll(closing);
            if (metricsListener != null) {
                metricsListener.close();
            }
            if (appServiceCalls != null) {
                appServiceCalls.close();
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

    /** The homeserver's calls to its application services (transactions, queries, third-party lookups). */
    public AppServices appServiceCalls() {
        return appServiceCalls;
    }

    /** The server's counters ({@code GET /metrics} on the metrics listener, when configured). */
    public Metrics metrics() {
        return metrics;
    }

    /** The port of the metrics listener, when it runs. */
    public Optional<Integer> metricsPort() {
        return metricsListener.map(HttpServer::port);
    }

    private static void closeAll(List<AutoCloseable> closing) {
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception e) {
                // the rest still closes
            }
        }
    }

    @Override
    public void close() {
        closeAll(closing);
        metricsListener.ifPresent(HttpServer::close);
        delivery.close();
        appServiceCalls.close();
        sender.ifPresent(FederationSender::close);
        federation.close();
        http.close();
        storage.close();
        metrics.close();
    }
}
