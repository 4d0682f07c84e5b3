package dev.mxspec.homeserver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.PushSettings;
import dev.mxspec.homeserver.core.RateLimits;
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
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Homeserver benchmarks, a main rather than a timed test:
 * {@code sends}: 3,287 sequential sends by several users in one room (the Romeo-and-Juliet workload);
 * {@code latency}: send-to-delivery latency into waiting /sync requests of 100 clients;
 * {@code start}: time from start to serving and heap after start;
 * {@code members}: sequential sends in a room of 200 members with the default push rules, against the
 * same run with push rule evaluation switched off ({@code push.evaluate: false});
 * {@code thumbnails}: {@link dev.mxspec.homeserver.media.ThumbnailBench} (not part of {@code all});
 * {@code stateres}: {@link StateResolutionBench} (not part of {@code all});
 * {@code storage}: {@link StateStorageBench} (not part of {@code all});
 * {@code federation fanout|remotejoin|catchup}: {@link FederationBench} (not part of {@code all});
 * {@code appservice [live|backlog] [events] [backend]}: {@link AppServiceBench} (not part of {@code all}).
 * {@code search [sqlite|postgresql] [messages]}: {@link SearchBench} (not part of {@code all}).
 * Run with {@code mvn -P bench -pl generated-server verify [-Dbench.args="sends sqlite"]}.
 */
public final class HomeserverBench {

    private HomeserverBench() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        if (what.equals("push")) { // JMH: push rule evaluation per event and member
            new org.openjdk.jmh.runner.Runner(new org.openjdk.jmh.runner.options.OptionsBuilder()
                    .include(PushRulesBenchmark.class.getSimpleName()).build()).run();
            return;
        }
        if (what.equals("stateres")) { // state resolution of two forks of a 10,000-member room
            StateResolutionBench.main(new String[0]);
            return;
        }
        if (what.equals("storage")) { // state rows and bytes of a 1,000-member room of 100,000 events, and of 10,000 joins
            StateStorageBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (what.equals("federation")) { // fan-out to 20 servers, a join to a 1,000-member room, catch-up of 10,000 events
            FederationBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (what.equals("appservice")) { // 10,000 events delivered to an application service, live and after an outage
            AppServiceBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (what.equals("search")) { // search over 100,000 messages: p50/p99 of common word, rare word, phrase; time to index
            SearchBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (what.equals("thumbnails")) { // thumbnails of a 24-megapixel JPEG: time, allocation, smallest heap
            dev.mxspec.homeserver.media.ThumbnailBench.main(new String[0]);
            return;
        }
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
            if (what.equals("all") || what.equals("members")) {
                members(backend, 200, 2000);
            }
            if (what.equals("all") || what.equals("polls")) {
                polls(backend, Integer.getInteger("bench.polls", 10_000));
            }
        }
    }

    private static List<String> backends() {
        String pg = System.getenv(Backends.POSTGRES_ENV);
        return pg == null || pg.isBlank() ? List.of("sqlite") : List.of("sqlite", "postgresql");
    }

    /** A server as {@code ./run} starts it; {@code -Dbench.push=false} switches push rule evaluation off. */
    private static Homeserver server(String backend) throws Exception {
        return server(backend, Boolean.parseBoolean(System.getProperty("bench.push", "true")));
    }

    private static Homeserver server(String backend, boolean evaluatePushRules) throws Exception {
        Path dir = Files.createTempDirectory("mxspec-bench");
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        ServerConfig config = new ServerConfig("localhost", "127.0.0.1", -1, dir.toString(), backend, pg, true, 0, -1);
        RateLimits.Limit off = RateLimits.Limit.off(); // many registrations from one address, sends as fast as they come
        return Homeserver.start(config.withRateLimits(new RateLimits(null, null, off, off))
                .withPush(new PushSettings(evaluatePushRules, false)));
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
            for (int i = 0; i < 300; i++) { // warm-up
                clients.get(i % users).sendMessage(new SendMessage.Request(roomId, "m.room.message", "w" + i, text("warm-up " + i)));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                clients.get(i % users).sendMessage(new SendMessage.Request(roomId, "m.room.message", "m" + i, text("line " + i)));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("sends [%s]: %d sequential sends by %d users in one room, generated client: %.2f s (%.0f/s)%n", backend,
                    messages, users, seconds, messages / seconds);
            List<RawClient> raw = new ArrayList<>();
            for (ClientServerClient c : clients) {
                raw.add(new RawClient("127.0.0.1", server.port(), c.http().accessToken()));
            }
            t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                raw.get(i % users).send(roomId, "r" + i, "{\"msgtype\":\"m.text\",\"body\":\"line " + i + "\"}");
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("sends [%s]: %d sequential sends by %d users in one room, raw HTTP/1.1 client: %.2f s (%.0f/s)%n", backend,
                    messages, users, seconds, messages / seconds);
            for (RawClient r : raw) {
                r.close();
            }
        }
    }

    /**
     * Sequential sends (raw HTTP/1.1, four senders) into a room of {@code members} members, on two
     * servers set up alike: one evaluates the default push rules for every member, the other has
     * evaluation off. Batches alternate between them, so that both see the same machine; the first's
     * throughput is reported as a share of the second's.
     */
    static void members(String backend, int members, int messages) throws Exception {
        try (Homeserver on = server(backend, true); Homeserver off = server(backend, false)) {
            List<List<RawClient>> senders = new ArrayList<>();
            List<String> rooms = new ArrayList<>();
            for (Homeserver server : List.of(on, off)) {
                HttpClient http = HttpClient.newHttpClient();
                List<ClientServerClient> clients = new ArrayList<>();
                for (int i = 0; i < members; i++) {
                    ClientServerClient c = client(server, http);
                    register(c, "member" + i);
                    clients.add(c);
                }
                String roomId = room(clients.getFirst());
                clients.subList(1, members).forEach(c -> join(c, roomId));
                List<RawClient> raw = new ArrayList<>();
                for (ClientServerClient c : clients.subList(0, 4)) {
                    raw.add(new RawClient("127.0.0.1", server.port(), c.http().accessToken()));
                }
                for (int i = 0; i < 300; i++) { // warm-up
                    raw.get(i % raw.size()).send(roomId, "w" + i, "{\"msgtype\":\"m.text\",\"body\":\"warm-up " + i + "\"}");
                }
                senders.add(raw);
                rooms.add(roomId);
            }
            long[] nanos = new long[2];
            int batch = 250;
            for (int sent = 0; sent < messages; sent += batch) {
                for (int s = 0; s < 2; s++) {
                    List<RawClient> raw = senders.get(s);
                    long t0 = System.nanoTime();
                    for (int i = sent; i < sent + batch; i++) {
                        raw.get(i % raw.size()).send(rooms.get(s), "m" + i, "{\"msgtype\":\"m.text\",\"body\":\"line " + i + "\"}");
                    }
                    nanos[s] += System.nanoTime() - t0;
                }
            }
            for (int s = 0; s < 2; s++) {
                System.out.printf("members [%s]: %d sequential sends into a room of %d members, push rules %s: %.2f s (%.0f/s)%n", backend,
                        messages, members, s == 0 ? "evaluated" : "off", nanos[s] / 1e9, messages / (nanos[s] / 1e9));
                for (RawClient r : senders.get(s)) {
                    r.close();
                }
            }
            System.out.printf("members [%s]: with evaluation, %.0f%% of the throughput without%n", backend, 100.0 * nanos[1] / nanos[0]);
        }
    }

    /**
     * Send-to-delivery latency: {@code syncers} readers (each its own connection and virtual
     * thread, a {@link RawClient}) wait in {@code /sync}; one sender sends a message; a
     * reader's latency is from just before the send to the arrival of the response holding that
     * message (responses without it move the token on and poll again). Warm-up rounds first,
     * uncounted, so that the figure is of a server that has run for a while.
     */
    static void latency(String backend, int syncers, int messages) throws Exception {
        int warmUp = Integer.getInteger("bench.warmup", 300);
        try (Homeserver server = server(backend)) {
            HttpClient http = HttpClient.newHttpClient();
            ClientServerClient sender = client(server, http);
            register(sender, "sender");
            String roomId = room(sender);
            List<String> accessTokens = new ArrayList<>();
            List<RawClient> readers = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < syncers; i++) {
                ClientServerClient c = client(server, http);
                register(c, "reader" + i);
                join(c, roomId);
                accessTokens.add(c.http().accessToken());
            }
            for (String accessToken : accessTokens) {
                readers.add(new RawClient("127.0.0.1", server.port(), accessToken));
            }
            for (RawClient reader : readers) { // an initial sync, then the catching up is part of every round
                tokens.add(reader.sync("s0", 0).nextBatch());
            }
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger extra = new AtomicInteger();
            long cpu0 = 0;
            long wall0 = 0;
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int m = -warmUp; m < messages; m++) {
                    if (m == 0) {
                        cpu0 = os.getProcessCpuTime();
                        wall0 = System.nanoTime();
                    }
                    String ping = "ping " + m;
                    AtomicLong sentAt = new AtomicLong(Long.MAX_VALUE);
                    boolean counted = m >= 0;
                    List<java.util.concurrent.Future<?>> rounds = new ArrayList<>();
                    for (int i = 0; i < syncers; i++) {
                        int k = i;
                        rounds.add(threads.submit(() -> {
                            while (true) {
                                RawClient.Response r = readers.get(k).sync(tokens.get(k), 30_000);
                                long now = System.nanoTime();
                                tokens.set(k, r.nextBatch());
                                if (r.body().contains(ping)) {
                                    if (counted) {
                                        latencies.add(now - sentAt.get());
                                    }
                                    return null;
                                }
                                if (counted) {
                                    extra.incrementAndGet();
                                }
                            }
                        }));
                    }
                    Thread.sleep(20); // let the syncs reach the server and wait
                    sentAt.set(System.nanoTime());
                    sender.sendMessage(new SendMessage.Request(roomId, "m.room.message", "l" + m, text(ping)));
                    for (var round : rounds) {
                        round.get();
                    }
                }
            }
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            double wall = (System.nanoTime() - wall0) / 1e9;
            for (RawClient reader : readers) {
                reader.close();
            }
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("latency [%s]: send to delivery into %d waiting syncs, %d messages after %d warm-up: p50 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms (%d deliveries, %d responses without the message; process CPU %.1f s in %.1f s)%n",
                    backend, syncers, messages, warmUp, pct(sorted, 0.50), pct(sorted, 0.99), sorted.getLast() / 1e6, sorted.size(),
                    extra.get(), cpu, wall);
        }
    }

    /**
     * Idle {@code /sync} long-polls held at once: the clients run in a process of their own
     * ({@link PollClients}); this process, the server's, measures its heap while they wait, then
     * sends one message and times until the client process reports every poll answered.
     */
    static void polls(String backend, int count) throws Exception {
        try (Homeserver server = server(backend)) {
            HttpClient http = HttpClient.newHttpClient();
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
            Process clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), PollClients.class.getName(), Integer.toString(server.port()),
                    reader.http().accessToken(), since, Integer.toString(count))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(clients.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                String waiting = lines.readLine();
                Thread.sleep(5_000); // every request read by the server and waiting
                System.gc();
                Thread.sleep(500);
                long during = rt.totalMemory() - rt.freeMemory();
                long t0 = System.nanoTime();
                owner.sendMessage(new SendMessage.Request(roomId, "m.room.message", "wake", text("wake up")));
                String answered = lines.readLine();
                double wakeMs = (System.nanoTime() - t0) / 1e6;
                clients.getOutputStream().close();
                clients.waitFor();
                System.out.printf("polls [%s]: %d idle /sync long-polls (client process: %s, then %s); server heap in use %d MiB before, "
                        + "%d MiB while they wait; one message answered them all in %.0f ms%n", backend, count, waiting, answered,
                        before / (1024 * 1024), during / (1024 * 1024), wakeMs);
            } finally {
                clients.destroy();
            }
        }
    }

    private static double pct(List<Long> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1)))) / 1e6;
    }
}
