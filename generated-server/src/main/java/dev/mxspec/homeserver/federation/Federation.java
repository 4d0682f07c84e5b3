package dev.mxspec.homeserver.federation;

import dev.mxspec.homeserver.core.FederationSettings;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.VerifyKey;
import dev.mxspec.homeserver.http.HttpServer;
import dev.mxspec.homeserver.storage.RemoteKeyStore;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import dev.mxspec.spec.v1_7.serverserver.server.ServerServerRouter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Federation's transport and trust, wired: this server's keys, the remote key service, the client for outbound
 * requests, and the router of the Server-Server API with its {@link FederationAuthenticator}; {@link #listen}
 * serves the router over HTTPS on the federation port.
 */
public final class Federation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Federation.class);

    private final FederationSettings settings;
    private final OwnKeys own;
    private final RemoteKeyService keys;
    private final FederationClient client;
    private final FederationAuthenticator authenticator;
    private volatile HttpServer listener;

    private Federation(FederationSettings settings, OwnKeys own, RemoteKeyService keys, FederationClient client) {
        this.settings = settings;
        this.own = own;
        this.keys = keys;
        this.client = client;
        this.authenticator = new FederationAuthenticator(own.serverName(), keys::requestKey);
    }

    /** Federation of {@code serverName}, signing with {@code key}, keeping other servers' keys in {@code store}. */
    public static Federation create(String serverName, SigningKey key, FederationSettings settings, RemoteKeyStore store, LongSupplier clock) {
        return create(serverName, new SigningKeys.Loaded(key, List.of()), settings, store, clock);
    }

    /** Federation of {@code serverName}, signing with the current key of {@code keys} and publishing its old ones. */
    public static Federation create(String serverName, SigningKeys.Loaded keys, FederationSettings settings, RemoteKeyStore store,
            LongSupplier clock) {
        FederationTls tls = FederationTls.outbound(settings);
        OwnKeys own = new OwnKeys(serverName, keys.current(), keys.old(), settings.keyValidityMs(), clock);
        FederationClient client = FederationClient.create(serverName, keys.current(), tls, clock);
        List<RemoteKeyService.Notary> notaries = settings.trustedKeyServers().stream()
                .map(t -> new RemoteKeyService.Notary(t.serverName(), t.verifyKeys().entrySet().stream()
                        .map(k -> VerifyKey.of(k.getKey(), k.getValue())).toList()))
                .toList();
        RemoteKeyService remote = new RemoteKeyService(store, client::serverKeys, own, clock, notaries, client::notaryKeys);
        return new Federation(settings, own, remote, client);
    }

    /** A router builder with the key and version endpoints, authenticating with X-Matrix; other handlers are added to it. */
    public ServerServerRouter.Builder routes(String version) {
        KeyHandlers handlers = new KeyHandlers(own, keys, version);
        return ServerServerRouter.builder(authenticator)
                .keysServer(handlers)
                .keysQuery(handlers)
                .version(handlers)
                .wellknown(new ServerWellKnown(settings.wellKnownServer()));
    }

    /** Serves {@code router} over HTTPS on the configured port, when federation is configured. */
    public void listen(String host, Function<ServerRequest, ServerResponse> router, HttpServer.Options options) throws Exception {
        if (!settings.enabled()) {
            return;
        }
        if (settings.skipCertificateChecks()) {
            LOG.warn("federation.skip_certificate_checks is on: other servers' certificates are not checked. For tests only.");
        }
        listener = HttpServer.startTls(host, settings.port(), router, options,
                FederationTls.listener(Path.of(settings.tlsCertificate().orElseThrow()), Path.of(settings.tlsPrivateKey().orElseThrow())));
    }

    /** Other servers' keys: a {@link dev.mxspec.homeserver.crypto.ServerKeys} for checking their events. */
    public RemoteKeyService keys() {
        return keys;
    }

    /** Signed requests to other servers. */
    public FederationClient client() {
        return client;
    }

    /** The port of the federation listener, when it runs. */
    public Optional<Integer> port() {
        HttpServer l = listener;
        return l == null ? Optional.empty() : Optional.of(l.port());
    }

    @Override
    public void close() {
        HttpServer l = listener;
        if (l != null) {
            l.close();
        }
    }
}
