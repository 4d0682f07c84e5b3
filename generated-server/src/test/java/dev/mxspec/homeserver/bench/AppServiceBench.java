package dev.mxspec.homeserver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.RateLimits;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.http.HttpServer;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.services.RoomService.Draft;
import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.appservice.server.ApplicationServiceRouter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Application service transactions: 10,000 events of a room with a user of the service's namespace delivered to a
 * service on the generated application-service server stubs (it checks the hs_token and takes each transaction at
 * once), in two ways:
 * <ul>
 *   <li>{@code live}: the service is up while the events are sent (through the room service, one after another): the
 *       time from the first send until the service holds them all, and how they were batched;</li>
 *   <li>{@code backlog}: the service is down (503) while they are sent; then it is back (and pinged, so that no backoff
 *       is waited out): the time until it holds them all, and the transactions they came in.</li>
 * </ul>
 * {@code baseline} times the same sends on a server without application services.
 * Run as {@code HomeserverBench appservice [live|backlog|all|baseline] [events] [sqlite|postgresql]}.
 */
public final class AppServiceBench {

    /** A service that keeps count: transactions taken and the event IDs they carried, in order. */
    private static final class CountingService implements AutoCloseable {
        final String hsToken = "hs_bench_" + System.nanoTime();
        final List<Integer> sizes = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final Set<String> txnIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicLong refused = new AtomicLong();
        volatile boolean down;
        final HttpServer server;

        CountingService() throws Exception {
            ApplicationServiceRouter router = ApplicationServiceRouter.builder((endpoint, request) -> {
                        if (!request.header("authorization").equals(Optional.of("Bearer " + hsToken))) {
                            throw MatrixException.forbidden("not the hs_token");
                        }
                        return "homeserver";
                    })
                    .transactions((context, request) -> {
                        if (down) {
                            refused.incrementAndGet();
                            throw new MatrixException(503, "M_UNKNOWN", "down");
                        }
                        var got = request.body().orElseThrow().events();
                        if (txnIds.add(request.txnId())) {
                            sizes.add(got.size());
                            got.forEach(e -> events.add(e.eventId()));
                        }
                        return MatrixJson.mapper().createObjectNode();
                    })
                    .ping((context, request) -> MatrixJson.mapper().createObjectNode())
                    .build();
            server = HttpServer.start("127.0.0.1", 0, router::handle, 16 << 20);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();

    private AppServiceBench() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        List<String> backends = args.length > 2 ? List.of(args[2])
                : System.getenv(Backends.POSTGRES_ENV) == null ? List.of("sqlite") : List.of("sqlite", "postgresql");
        AppServiceBench bench = new AppServiceBench();
        for (String backend : backends) {
            if (what.equals("all") || what.equals("live")) {
                bench.run(backend, events, false);
            }
            if (what.equals("all") || what.equals("backlog")) {
                bench.run(backend, events, true);
            }
            if (what.equals("baseline")) {
                bench.baseline(backend, events);
            }
        }
    }

    private void run(String backend, int count, boolean backlog) throws Exception {
        Path dir = Files.createTempDirectory("mxspec-appservice-bench");
        try (CountingService service = new CountingService()) {
            Path registration = Files.writeString(dir.resolve("bench.yaml"), """
                    id: bench
                    url: "http://127.0.0.1:%d"
                    as_token: as_bench_token
                    hs_token: %s
                    sender_localpart: bench_bot
                    namespaces:
                      users:
                        - exclusive: false
                          regex: "@_br_.*"
                    """.formatted(service.server.port(), service.hsToken));
            Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
            RateLimits.Limit off = RateLimits.Limit.off();
            ServerConfig config = new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg, true, 0, -1)
                    .withRateLimits(new RateLimits(null, null, off, off)).withAppServiceConfigFiles(List.of(registration.toString()));
            try (Homeserver server = Homeserver.start(config)) {
                String alice = call(server, "POST", "/register", null, "{\"username\":\"_br_alice\",\"password\":\"bench-password\","
                        + "\"auth\":{\"type\":\"m.login.dummy\"}}").path("access_token").asText();
                String room = call(server, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
                String marker = server.rooms().send("@_br_alice:localhost", Optional.empty(), room, Draft.message("m.room.message",
                        MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", "set up")), Optional.empty());
                waitFor(() -> service.events.contains(marker), 60_000); // the room's creation reached the service
                int before = service.events.size();
                int txnsBefore = service.sizes.size();
                service.down = backlog;
                List<String> sent = new ArrayList<>(count);
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    sent.add(server.rooms().send("@_br_alice:localhost", Optional.empty(), room, Draft.message("m.room.message",
                            MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", "event " + i)), Optional.empty()));
                }
                double sending = (System.nanoTime() - t0) / 1e9;
                long start = t0;
                if (backlog) {
                    service.down = false;
                    start = System.nanoTime();
                    server.appServiceCalls().transactions().serviceIsUp("bench"); // what a ping that succeeds does
                }
                waitFor(() -> service.events.size() >= before + count, 600_000);
                double seconds = (System.nanoTime() - start) / 1e9;
                List<String> got = service.events.subList(before, service.events.size());
                List<Integer> sizes = service.sizes.subList(txnsBefore, service.sizes.size());
                boolean inOrder = got.equals(sent);
                boolean once = new HashSet<>(got).size() == got.size();
                System.out.printf("appservice %s (%s): %d events sent in %.1f s; delivered %s in %.2f s (%.0f events/s); %d transactions, "
                        + "%.1f events per transaction (largest %d); %d refused while down; in order: %s, each once: %s%n",
                        backlog ? "backlog" : "live", backend, count, sending, backlog ? "after the service came back" : "from the first send",
                        seconds, count / seconds, sizes.size(), (double) count / sizes.size(), sizes.stream().mapToInt(Integer::intValue).max().orElse(0),
                        service.refused.get(), inOrder, once);
            }
        }
    }

    /** The same sends on a server without application services, for what sending costs by itself. */
    private void baseline(String backend, int count) throws Exception {
        Path dir = Files.createTempDirectory("mxspec-appservice-bench");
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        RateLimits.Limit off = RateLimits.Limit.off();
        ServerConfig config = new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg, true, 0, -1)
                .withRateLimits(new RateLimits(null, null, off, off));
        try (Homeserver server = Homeserver.start(config)) {
            String alice = call(server, "POST", "/register", null, "{\"username\":\"_br_alice\",\"password\":\"bench-password\","
                    + "\"auth\":{\"type\":\"m.login.dummy\"}}").path("access_token").asText();
            String room = call(server, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                server.rooms().send("@_br_alice:localhost", Optional.empty(), room, Draft.message("m.room.message",
                        MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", "event " + i)), Optional.empty());
            }
            System.out.printf("appservice baseline (%s): %d events sent without any application service in %.1f s%n", backend, count,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private JsonNode call(Homeserver server, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_matrix/client/v3" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return MatrixJson.mapper().readTree(r.body());
    }

    private static void waitFor(java.util.function.BooleanSupplier done, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("not done within " + timeoutMs + " ms");
            }
            Thread.sleep(1);
        }
    }
}
