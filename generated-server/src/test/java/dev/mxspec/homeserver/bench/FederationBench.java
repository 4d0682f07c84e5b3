package dev.mxspec.homeserver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.RateLimits;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.federation.FederationServers;
import dev.mxspec.homeserver.federation.TestCa;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.services.RoomService.Draft;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Federation between homeservers in this JVM, over TLS on loopback (names {@code localhost:<port>}, a test CA):
 * <ul>
 *   <li>{@code fanout [servers] [messages]}: a room of one user on each of 20 other servers; each message of its creator's
 *       is timed until every other server holds it (median, p95, max);</li>
 *   <li>{@code remotejoin [members] [runs]}: a room of 1,000 members on one server; a user of a new server joins it
 *       (make_join, send_join with the room's state and auth chain checked and stored), timed per run;</li>
 *   <li>{@code catchup [events]}: one server is stopped while the other sends 10,000 messages in their room; after it
 *       starts again and one of its users speaks, the time until it holds them all.</li>
 * </ul>
 * Run as {@code HomeserverBench federation <what> [args]} (the backend of the sending server: {@code -Dbench.backend=postgresql}).
 */
public final class FederationBench {

    private final Path dir;
    private final Path ca;
    private final Path[] tls;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String backend = System.getProperty("bench.backend", "sqlite");

    private FederationBench(Path dir) throws Exception {
        this.dir = dir;
        TestCa testCa = TestCa.create("mxspec bench CA");
        this.ca = testCa.writeCertificate(dir.resolve("ca.crt"));
        this.tls = testCa.issueServer(dir, "server", "localhost");
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "fanout";
        FederationBench bench = new FederationBench(Files.createTempDirectory("mxspec-federation-bench"));
        switch (what) {
            case "fanout" -> bench.fanout(intArg(args, 1, 20), intArg(args, 2, 30));
            case "remotejoin" -> bench.remoteJoin(intArg(args, 1, 1_000), intArg(args, 2, 3));
            case "catchup" -> bench.catchup(intArg(args, 1, 10_000));
            default -> throw new IllegalArgumentException("federation benchmarks: fanout, remotejoin, catchup; not " + what);
        }
    }

    private static int intArg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }

    private ServerConfig config(String backend, String name) throws Exception {
        RateLimits.Limit off = RateLimits.Limit.off();
        return FederationServers.config(backend, Files.createDirectories(dir.resolve(name)),
                FederationServers.settings(FederationServers.freePort(), tls, ca, false, 0))
                .withRateLimits(new RateLimits(null, null, off, off));
    }

    private Homeserver start(String backend, String name) throws Exception {
        return Homeserver.start(config(backend, name));
    }

    void fanout(int servers, int messages) throws Exception {
        List<Homeserver> all = new ArrayList<>();
        try {
            Homeserver origin = start(backend, "origin");
            all.add(origin);
            String alice = register(origin, "alice");
            String room = call(origin, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            long t0 = System.nanoTime();
            List<Homeserver> others = new ArrayList<>();
            for (int i = 0; i < servers; i++) {
                Homeserver s = start("sqlite", "s" + i);
                all.add(s);
                others.add(s);
                String token = register(s, "user" + i);
                long j0 = System.nanoTime();
                call(s, "POST", "/join/" + enc(room) + "?server_name=" + enc(FederationServers.name(origin)), token, "{}");
                System.out.printf("fanout: server %d joined in %.0f ms%n", i, (System.nanoTime() - j0) / 1e6);
            }
            System.out.printf("fanout: %d servers started and joined in %.1f s%n", servers, (System.nanoTime() - t0) / 1e9);
            java.util.Set<String> joinedEverywhere = new java.util.HashSet<>(List.of("@alice:" + FederationServers.name(origin)));
            for (int i = 0; i < servers; i++) {
                joinedEverywhere.add("@user" + i + ":" + FederationServers.name(others.get(i)));
            }
            for (Homeserver s : others) { // every join has reached every server: each knows all the room's servers
                waitFor(() -> s.storage().currentState(room).keySet().stream().filter(k -> k.getFirst().equals("m.room.member"))
                        .map(k -> k.get(1)).collect(java.util.stream.Collectors.toSet()).containsAll(joinedEverywhere), 60_000);
            }
            List<Long> times = new ArrayList<>();
            for (int m = 0; m < messages; m++) {
                long start = System.nanoTime();
                String eventId = call(origin, "PUT", "/rooms/" + enc(room) + "/send/m.room.message/f" + m, alice,
                        "{\"msgtype\":\"m.text\",\"body\":\"to all " + m + "\"}").path("event_id").asText();
                for (Homeserver s : others) {
                    waitFor(() -> s.storage().graphRow(eventId).isPresent(), 60_000);
                }
                times.add((System.nanoTime() - start) / 1_000);
            }
            Collections.sort(times);
            System.out.printf("fanout (%s origin, %d servers, %d messages): until every server holds the message median %.1f ms, "
                    + "p95 %.1f ms, max %.1f ms%n", backend, servers, messages, times.get(times.size() / 2) / 1e3,
                    times.get((int) Math.ceil(times.size() * 0.95) - 1) / 1e3, times.getLast() / 1e3);
        } finally {
            all.forEach(Homeserver::close);
        }
    }

    void remoteJoin(int members, int runs) throws Exception {
        try (Homeserver resident = start(backend, "resident")) {
            String alice = register(resident, "alice");
            String room = call(resident, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            long t0 = System.nanoTime();
            String serverName = FederationServers.name(resident);
            for (int i = 0; i < members - 1; i++) {
                String user = "@member" + i + ":" + serverName;
                resident.rooms().send(user, Optional.empty(), room, Draft.state("m.room.member", user,
                        MatrixJson.mapper().createObjectNode().put("membership", "join").put("displayname", "Member " + i)), Optional.empty());
            }
            System.out.printf("remotejoin: %d members joined in %.1f s%n", members, (System.nanoTime() - t0) / 1e9);
            for (int run = 0; run < runs; run++) {
                try (Homeserver joining = start("sqlite", "joining" + run)) {
                    String bob = register(joining, "bob");
                    long start = System.nanoTime();
                    call(joining, "POST", "/join/" + enc(room) + "?server_name=" + enc(serverName), bob, "{}");
                    long joined = System.nanoTime();
                    int state = joining.storage().currentState(room).size();
                    System.out.printf("remotejoin (%s resident, %d members): join over federation %.0f ms, %d state events held%n",
                            backend, members, (joined - start) / 1e6, state);
                }
            }
        }
    }

    void catchup(int events) throws Exception {
        Homeserver a = start(backend, "a");
        ServerConfig configB = config("sqlite", "b");
        Homeserver b = Homeserver.start(configB);
        try {
            String alice = register(a, "alice");
            String bob = register(b, "bob");
            String room = call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            call(b, "POST", "/join/" + enc(room) + "?server_name=" + enc(FederationServers.name(a)), bob, "{}");
            b.close();
            long t0 = System.nanoTime();
            String last = null;
            for (int i = 0; i < events; i++) {
                last = a.rooms().send("@alice:" + FederationServers.name(a), Optional.empty(), room, Draft.message("m.room.message",
                        MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", "while away " + i)), Optional.empty());
            }
            System.out.printf("catchup: %d messages sent while the other server was down, in %.1f s%n", events, (System.nanoTime() - t0) / 1e9);
            b = Homeserver.start(configB);
            long start = System.nanoTime();
            String bobAgain = call(b, "POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                    + "\"user\":\"bob\"},\"password\":\"bob-password\"}").path("access_token").asText();
            call(b, "PUT", "/rooms/" + enc(room) + "/send/m.room.message/back", bobAgain, "{\"msgtype\":\"m.text\",\"body\":\"back\"}");
            String lastEvent = last;
            Homeserver restarted = b;
            waitFor(() -> restarted.storage().graphRow(lastEvent).isPresent(), 600_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            long held = restarted.storage().currentState(room).size();
            System.out.printf("catchup (%s sender): %d events caught up in %.1f s (%.0f events/s) after the server came back; %d state events%n",
                    backend, events, seconds, events / seconds, held);
        } finally {
            b.close();
            a.close();
        }
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

    private String register(Homeserver server, String name) throws Exception {
        return call(server, "POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"" + name
                + "-password\",\"auth\":{\"type\":\"m.login.dummy\"}}").path("access_token").asText();
    }

    private JsonNode call(Homeserver server, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_matrix/client/v3" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return MatrixJson.mapper().readTree(response.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
