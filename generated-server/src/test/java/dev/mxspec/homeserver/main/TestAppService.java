package dev.mxspec.homeserver.main;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.http.HttpServer;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import dev.mxspec.spec.v1_7.appservice.Location;
import dev.mxspec.spec.v1_7.appservice.Protocol;
import dev.mxspec.spec.v1_7.appservice.User;
import dev.mxspec.spec.v1_7.appservice.server.ApplicationServiceRouter;
import dev.mxspec.spec.v1_7.appservice.server.ProtocolsHandler;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An application service on the generated application-service server stubs, served by the project's Jetty. It checks
 * the {@code hs_token} of every request ({@code Authorization: Bearer}, 403 {@code M_FORBIDDEN} otherwise, as the spec
 * has services do) and keeps what it is sent: transactions (a transaction ID it took before is taken again without
 * keeping its events twice), queries, pings. It can be told to fail (503) for a while, to answer only on the legacy
 * routes, and what to answer to queries and third-party lookups.
 */
final class TestAppService implements AutoCloseable {

    /** A transaction as it arrived: its ID and events, and whether it was taken (a success answer). */
    record Txn(String txnId, List<ClientEvent> events, boolean taken) {}

    /** A request that reached the service: its method and path, and whether its hs_token was right. */
    record Seen(String method, String path, boolean tokenRight, boolean tokenInQuery) {}

    private final String hsToken;
    private final HttpServer server;
    private final BlockingQueue<Txn> transactions = new LinkedBlockingQueue<>();
    private final List<Txn> all = new CopyOnWriteArrayList<>();
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    private final List<ClientEvent> events = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean legacyOnly;
    volatile Predicate<String> users = id -> false;
    volatile Predicate<String> aliases = alias -> false;
    volatile Map<String, Protocol> protocols = Map.of();
    volatile List<Location> locations = List.of();
    volatile List<User> thirdPartyUsers = List.of();
    final List<Map<String, String>> lookupFields = new CopyOnWriteArrayList<>();
    final List<Optional<String>> pings = new CopyOnWriteArrayList<>();
    volatile int pingStatus = 200;
    volatile long pingDelayMs;
    volatile long queryDelayMs;

    TestAppService(String hsToken) throws Exception {
        this.hsToken = hsToken;
        ApplicationServiceRouter router = ApplicationServiceRouter.builder((endpoint, request) -> {
                    if (!request.header("authorization").equals(Optional.of("Bearer " + hsToken))) {
                        throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "not the hs_token");
                    }
                    return "homeserver";
                })
                .transactions((context, request) -> {
                    List<ClientEvent> got = request.body().orElseThrow().events();
                    if (down) {
                        failures.incrementAndGet();
                        all.add(new Txn(request.txnId(), got, false));
                        throw new MatrixException(503, ErrorCodes.M_UNKNOWN, "the bridge is down");
                    }
                    Txn txn = new Txn(request.txnId(), got, true);
                    all.add(txn);
                    if (taken.add(request.txnId())) { // a transaction sent again after a lost answer is not processed twice
                        events.addAll(got);
                    }
                    transactions.add(txn);
                    return MatrixJson.mapper().createObjectNode();
                })
                .queryUser((context, request) -> {
                    pause(queryDelayMs);
                    if (!users.test(request.userId())) {
                        throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such user");
                    }
                    return MatrixJson.mapper().createObjectNode();
                })
                .queryRoom((context, request) -> {
                    pause(queryDelayMs);
                    if (!aliases.test(request.roomAlias())) {
                        throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such alias");
                    }
                    return MatrixJson.mapper().createObjectNode();
                })
                .protocols(new Lookups())
                .ping((context, request) -> {
                    pings.add(request.body().flatMap(b -> b.transactionId()));
                    pause(pingDelayMs);
                    if (pingStatus != 200) {
                        throw new MatrixException(pingStatus, "M_UNKNOWN_TOKEN", "not today");
                    }
                    return MatrixJson.mapper().createObjectNode();
                })
                .build();
        server = HttpServer.start("127.0.0.1", 0, request -> handle(router, request), 1 << 22);
    }

    private static void pause(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ServerResponse handle(ApplicationServiceRouter router, ServerRequest request) {
        seen.add(new Seen(request.method(), request.path(), request.header("authorization").equals(Optional.of("Bearer " + hsToken)),
                request.query().containsKey("access_token")));
        String path = request.path();
        if (legacyOnly) {
            if (path.startsWith("/_matrix/app/v1/")) {
                return ServerResponse.error(MatrixException.unrecognized(request.method(), path));
            }
            String v1 = path.startsWith("/_matrix/app/unstable/") ? "/_matrix/app/v1/" + path.substring("/_matrix/app/unstable/".length())
                    : "/_matrix/app/v1" + path;
            request = new ServerRequest(request.method(), v1, request.query(), request.headers(), request.body(), request.remoteAddress());
        }
        return router.handle(request);
    }

    private final class Lookups implements ProtocolsHandler {
        @Override
        public List<Location> queryLocationByAlias(dev.mxspec.runtime.server.RequestContext context,
                dev.mxspec.spec.v1_7.appservice.endpoints.QueryLocationByAlias.Request request) {
            return found(locations.stream().filter(l -> request.alias().map(l.alias()::equals).orElse(false)).toList());
        }

        @Override
        public List<Location> queryLocationByProtocol(dev.mxspec.runtime.server.RequestContext context,
                dev.mxspec.spec.v1_7.appservice.endpoints.QueryLocationByProtocol.Request request) {
            lookupFields.add(request.otherQueryParams());
            return found(locations.stream().filter(l -> l.protocol().equals(request.protocol())).toList());
        }

        @Override
        public Protocol getProtocolMetadata(dev.mxspec.runtime.server.RequestContext context,
                dev.mxspec.spec.v1_7.appservice.endpoints.GetProtocolMetadata.Request request) {
            Protocol p = protocols.get(request.protocol());
            if (p == null) {
                throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such protocol");
            }
            return p;
        }

        @Override
        public List<User> queryUserByID(dev.mxspec.runtime.server.RequestContext context,
                dev.mxspec.spec.v1_7.appservice.endpoints.QueryUserByID.Request request) {
            return found(thirdPartyUsers.stream().filter(u -> request.userid().map(u.userid()::equals).orElse(false)).toList());
        }

        @Override
        public List<User> queryUserByProtocol(dev.mxspec.runtime.server.RequestContext context,
                dev.mxspec.spec.v1_7.appservice.endpoints.QueryUserByProtocol.Request request) {
            lookupFields.add(request.otherQueryParams());
            return found(thirdPartyUsers.stream().filter(u -> u.protocol().equals(request.protocol())).toList());
        }

        private <T> List<T> found(List<T> list) {
            if (list.isEmpty()) {
                throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "nothing found");
            }
            return list;
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    int port() {
        return server.port();
    }

    /**
     * Writes a registration file for this service; {@code namespaces} is the YAML of the namespaces block's entries,
     * {@code protocols} a YAML list.
     */
    Path register(Path dir, String id, String asToken, String senderLocalpart, String namespaces, String protocols) throws Exception {
        return register(dir, id, asToken, senderLocalpart, namespaces, protocols, hsToken);
    }

    /** A registration file that gives the homeserver {@code givenHsToken} (the wrong one, unless it is this service's). */
    Path register(Path dir, String id, String asToken, String senderLocalpart, String namespaces, String protocols, String givenHsToken)
            throws Exception {
        return registration(dir, id, "\"" + url() + "\"", asToken, givenHsToken, senderLocalpart, namespaces, protocols);
    }

    /** A registration file; {@code url} as YAML ({@code null} for a service without one). */
    static Path registration(Path dir, String id, String url, String asToken, String hsToken, String senderLocalpart, String namespaces,
            String protocols) throws Exception {
        return Files.writeString(dir.resolve(id + ".yaml"), """
                id: "%s"
                url: %s
                as_token: "%s"
                hs_token: "%s"
                sender_localpart: "%s"
                rate_limited: false
                protocols: %s
                namespaces:
                %s""".formatted(id, url, asToken, hsToken, senderLocalpart, protocols, namespaces.indent(2)), StandardCharsets.UTF_8);
    }

    /** Fails every transaction (503) until {@link #up}. */
    void down() {
        down = true;
    }

    void up() {
        down = false;
    }

    /** Answers only on the legacy routes (the new ones are unknown endpoints, 404 {@code M_UNRECOGNIZED}). */
    void legacyOnly() {
        legacyOnly = true;
    }

    /** The next transaction that arrived (taken or refused); null when none came within the seconds. */
    Txn nextTaken(long seconds) throws InterruptedException {
        return transactions.poll(seconds, TimeUnit.SECONDS);
    }

    /** Waits until the service has taken {@code count} events (each once); their event IDs, in the order they came. */
    List<String> awaitEvents(int count, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (events.size() < count && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return eventIds();
    }

    /** The IDs of the events taken so far, in the order they came. */
    List<String> eventIds() {
        return events.stream().map(ClientEvent::eventId).toList();
    }

    List<ClientEvent> events() {
        return List.copyOf(events);
    }

    /** Every transaction request that arrived, taken or refused, in order. */
    List<Txn> allTransactions() {
        return List.copyOf(all);
    }

    /** Waits until {@code count} transactions were refused while down. */
    void awaitFailures(int count, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (failures.get() < count && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    int failures() {
        return failures.get();
    }

    List<Seen> seen() {
        return new ArrayList<>(seen);
    }

    /** Whether no event arrives within the milliseconds. */
    boolean quietFor(long ms) throws InterruptedException {
        int before = events.size();
        Thread.sleep(ms);
        return events.size() == before;
    }

    @Override
    public void close() {
        server.close();
    }
}
