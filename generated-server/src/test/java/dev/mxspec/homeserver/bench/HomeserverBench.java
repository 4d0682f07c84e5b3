package dev.mxspec.homeserver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.AuthenticationData;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequest;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequestPreset;
import dev.mxspec.spec.v1_7.clientserver.JoinRoomByIdRequest;
import dev.mxspec.spec.v1_7.clientserver.RegisterRequest;
import dev.mxspec.spec.v1_7.clientserver.SyncResponse;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.CreateRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.JoinRoomById;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Register;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SendMessage;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Sync;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * Homeserver benchmarks, a main rather than a timed test:
 * {@code sends}: 3,287 sequential sends by several users in one room (the Romeo-and-Juliet workload);
 * {@code latency}: send-to-delivery latency into waiting /sync requests of 100 clients;
 * {@code start}: time from start to serving and heap after start.
 * Run with {@code mvn -P bench -pl generated-server verify [-Dbench.args="sends sqlite"]}.
 */
public final class HomeserverBench {

    private HomeserverBench() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        List<String> backends = args.length > 1 ? List.of(args[1]) : backends();
        for (String backend : backends) {
            if (what.equals("all") || what.equals("start")) {
                start(backend);
            }
            if (what.equals("all") || what.equals("sends")) {
                sends(backend, 3287, 4);
            }
            if (what.equals("all") || what.equals("latency")) {
                latency(backend, 100, 300);
            }
            if (what.equals("all") || what.equals("polls")) {
                polls(backend, Integer.getInteger("bench.polls", 9_000)); // 2 sockets each in one JVM; 20,000 open files here
            }
        }
    }

    private static List<String> backends() {
        String pg = System.getenv(Backends.POSTGRES_ENV);
        return pg == null || pg.isBlank() ? List.of("sqlite") : List.of("sqlite", "postgresql");
    }

    private static Homeserver server(String backend) throws Exception {
        Path dir = Files.createTempDirectory("mxspec-bench");
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        return Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.toString(), backend, pg, true, 0, -1));
    }

    private static ClientServerClient client(Homeserver server, HttpClient http) {
        return new ClientServerClient(new MatrixHttpClient(URI.create("http://127.0.0.1:" + server.port()), http,
                dev.mxspec.runtime.client.RetryPolicy.defaults()));
    }

    private static String register(ClientServerClient c, String name) {
        var r = c.register(new Register.Request(Optional.empty(), new RegisterRequest(
                Optional.of(new AuthenticationData(Optional.of("m.login.dummy"), Optional.empty(), Map.of())), Optional.of(name),
                Optional.of("password-" + name), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of())));
        c.http().accessToken(r.accessToken().orElseThrow());
        return r.userId();
    }

    private static String room(ClientServerClient owner) {
        return owner.createRoom(new CreateRoom.Request(new CreateRoomRequest(Optional.empty(), Optional.empty(), Optional.of("bench"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(CreateRoomRequestPreset.PUBLIC_CHAT), Optional.empty(), Optional.empty(), Map.of()))).roomId();
    }

    private static void join(ClientServerClient c, String roomId) {
        c.joinRoomById(new JoinRoomById.Request(roomId, new JoinRoomByIdRequest(Optional.empty(), Optional.empty(), Map.of())));
    }

    private static JsonNode text(String body) {
        return MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", body);
    }

    static void start(String backend) throws Exception {
        Runtime rt = Runtime.getRuntime();
        long t0 = System.nanoTime();
        try (Homeserver server = server(backend)) {
            long started = (System.nanoTime() - t0) / 1_000_000;
            System.gc();
            Thread.sleep(500);
            System.gc();
            long heap = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
            System.out.printf("start [%s]: serving on port %d after %d ms (in this JVM), heap in use when idle %d MiB%n", backend,
                    server.port(), started, heap);
        }
    }

    static void sends(String backend, int messages, int users) throws Exception {
        try (Homeserver server = server(backend)) {
            HttpClient http = HttpClient.newHttpClient();
            List<ClientServerClient> clients = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                ClientServerClient c = client(server, http);
                register(c, "actor" + i);
                clients.add(c);
            }
            String roomId = room(clients.getFirst());
            clients.subList(1, users).forEach(c -> join(c, roomId));
            for (int i = 0; i < 50; i++) { // warm-up
                clients.get(i % users).sendMessage(new SendMessage.Request(roomId, "m.room.message", "w" + i, text("warm-up " + i)));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                clients.get(i % users).sendMessage(new SendMessage.Request(roomId, "m.room.message", "m" + i, text("line " + i)));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("sends [%s]: %d sequential sends by %d users in one room: %.2f s (%.0f/s)%n", backend, messages, users, seconds,
                    messages / seconds);
        }
    }

    static void latency(String backend, int syncers, int messages) throws Exception {
        try (Homeserver server = server(backend)) {
            HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
            ClientServerClient sender = client(server, http);
            register(sender, "sender");
            String roomId = room(sender);
            List<ClientServerClient> clients = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < syncers; i++) {
                ClientServerClient c = client(server, http);
                register(c, "reader" + i);
                join(c, roomId);
                clients.add(c);
                tokens.add(c.sync(new Sync.Request(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())).nextBatch());
            }
            for (int i = 0; i < syncers; i++) { // catch up on the joins of the readers that came later
                tokens.set(i, clients.get(i).sync(new Sync.Request(Optional.empty(), Optional.of(tokens.get(i)), Optional.empty(),
                        Optional.empty(), Optional.of(0L))).nextBatch());
            }
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            java.util.concurrent.atomic.AtomicInteger early = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger extra = new java.util.concurrent.atomic.AtomicInteger();
            for (int m = 0; m < messages; m++) {
                List<CompletableFuture<Void>> waits = new ArrayList<>();
                java.util.concurrent.atomic.AtomicLong sentAt = new java.util.concurrent.atomic.AtomicLong();
                String ping = "ping " + m;
                for (int i = 0; i < syncers; i++) {
                    waits.add(awaitMessage(clients.get(i), tokens, i, ping, sentAt, latencies, early, extra));
                }
                Thread.sleep(m == 0 ? 500 : 20); // let the syncs reach the server and wait
                sentAt.set(System.nanoTime());
                sender.sendMessage(new SendMessage.Request(roomId, "m.room.message", "l" + m, text(ping)));
                CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).join();
            }
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            List<Long> steady = sorted;
            System.out.printf("latency [%s]: send to delivery into %d waiting syncs, %d messages: p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                    + " (%d deliveries; %d syncs answered before the send, %d answered without the message)%n",
                    backend, syncers, messages, pct(steady, 0.50), pct(steady, 0.99), steady.getLast() / 1e6, steady.size(), early.get(),
                    extra.get());
        }
    }

    /**
     * Long-polls until a response holds {@code ping}; only that response counts as its delivery,
     * timed from {@code sentAt}. Responses without it (answered before the send, or with
     * something else) move the token on and poll again.
     */
    private static CompletableFuture<Void> awaitMessage(ClientServerClient client, List<String> tokens, int k, String ping,
            java.util.concurrent.atomic.AtomicLong sentAt, ConcurrentLinkedQueue<Long> latencies,
            java.util.concurrent.atomic.AtomicInteger early, java.util.concurrent.atomic.AtomicInteger extra) {
        return client.syncAsync(new Sync.Request(Optional.empty(), Optional.of(tokens.get(k)), Optional.empty(), Optional.empty(),
                Optional.of(30_000L))).thenCompose((SyncResponse r) -> {
                    long now = System.nanoTime();
                    tokens.set(k, r.nextBatch());
                    if (dev.mxspec.runtime.json.MatrixJson.tree(r).findValuesAsText("body").contains(ping)) {
                        latencies.add(now - sentAt.get());
                        return CompletableFuture.completedFuture(null);
                    }
                    (sentAt.get() == 0 ? early : extra).incrementAndGet();
                    return awaitMessage(client, tokens, k, ping, sentAt, latencies, early, extra);
                });
    }

    /** Idle /sync long-polls held at once: heap while they wait, then one message wakes them all. */
    static void polls(String backend, int count) throws Exception {
        try (Homeserver server = server(backend)) {
            HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
            ClientServerClient owner = client(server, http);
            register(owner, "owner");
            String roomId = room(owner);
            ClientServerClient reader = client(server, http);
            register(reader, "reader");
            join(reader, roomId);
            String since = reader.sync(new Sync.Request(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty())).nextBatch();
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long before = rt.totalMemory() - rt.freeMemory();
            List<CompletableFuture<SyncResponse>> waiting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                waiting.add(reader.syncAsync(new Sync.Request(Optional.empty(), Optional.of(since), Optional.empty(), Optional.empty(),
                        Optional.of(120_000L))));
                if (i % 500 == 499) {
                    Thread.sleep(50);
                }
            }
            Thread.sleep(5_000);
            long done = waiting.stream().filter(CompletableFuture::isDone).count();
            System.gc();
            Thread.sleep(500);
            long during = rt.totalMemory() - rt.freeMemory();
            long t0 = System.nanoTime();
            owner.sendMessage(new SendMessage.Request(roomId, "m.room.message", "wake", text("wake up")));
            CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).join();
            double wakeMs = (System.nanoTime() - t0) / 1e6;
            System.out.printf("polls [%s]: %d idle /sync long-polls held (%d had answered early); heap in use %d MiB before, %d MiB while "
                    + "waiting (server and client in one JVM); one message woke them all in %.0f ms%n", backend, count, done,
                    before / (1024 * 1024), during / (1024 * 1024), wakeMs);
        }
    }

    private static double pct(List<Long> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1)))) / 1e6;
    }
}
