package dev.mxspec.homeserver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.PushSettings;
import dev.mxspec.homeserver.core.RateLimits;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.RoomService.Draft;
import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.homeserver.storage.V20__SearchIndex;
import dev.mxspec.homeserver.storage.V26__FoldedSearchText;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Search over {@code messages} messages (100,000 by default) in 10 rooms of 6 members, written through the room
 * service (no HTTP, push rules off; each message indexed in its event's transaction): the send rate with the index, the time the V20
 * and V26 migrations take to index the same events afresh and fold their text (the search tables dropped, each migration run
 * in a transaction as Flyway runs it), and p50/p99 of {@code POST /search} over HTTP for a member of every room: a common word (in about
 * one message in five), a rare word (about ten messages), a phrase (about one message in a hundred), each most
 * relevant first and most recent first, ten results a batch (on PostgreSQL after an {@code ANALYZE}, the statistics
 * autovacuum gathers in time). Texts are drawn with a fixed seed from 3,000 made-up
 * words with Zipf frequencies. Arguments: {@code [sqlite|postgresql] [messages]}.
 */
public final class SearchBench {

    private static final int ROOMS = 10;
    private static final int USERS = 5;
    private static final int WARM_UP = 20;
    private static final int RUNS = 200;

    private SearchBench() {}

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "sqlite";
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path dir = Files.createTempDirectory("mxspec-search-bench");
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        RateLimits.Limit off = RateLimits.Limit.off();
        ServerConfig config = new ServerConfig("localhost", "127.0.0.1", -1, dir.toString(), backend, pg, true, 0, -1)
                .withRateLimits(new RateLimits(null, null, off, off)).withPush(new PushSettings(false, false));
        String token;
        try (Homeserver server = Homeserver.start(config)) {
            token = register(server.port(), "searcher");
            List<String> rooms = rooms(server.rooms());
            Texts texts = new Texts(new Random(42));
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                ObjectNode content = MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", texts.next());
                server.rooms().send("@user" + (i % USERS) + ":localhost", Optional.empty(), rooms.get(i % ROOMS),
                        Draft.message("m.room.message", content), Optional.empty());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("search [%s]: %,d messages sent and indexed in %.1f s (%.0f/s); planted: %,d common, %,d rare, %,d phrase%n",
                    backend, messages, seconds, messages / seconds, texts.common, texts.rare, texts.phrase);
            if (pg.isPresent()) { // the statistics autovacuum gathers in time: without them the planner takes every filter for selective
                try (Connection c = DriverManager.getConnection(pg.get()); Statement st = c.createStatement()) {
                    st.execute("ANALYZE");
                }
            }
            queries(backend, server.port(), token);
        }
        // the migrations run as Flyway runs them (one transaction each) over the events held, the index dropped
        try (Connection c = DriverManager.getConnection(pg.orElse("jdbc:sqlite:" + dir.resolve("homeserver.db")));
                Statement st = c.createStatement()) {
            st.executeUpdate("DROP TABLE event_search");
            if (pg.isEmpty()) {
                st.executeUpdate("DROP TABLE event_search_text");
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            migrate(new V20__SearchIndex(), c);
            long t1 = System.nanoTime();
            migrate(new V26__FoldedSearchText(), c);
            long t2 = System.nanoTime();
            System.out.printf("search [%s]: the V20 migration indexed %,d existing messages in %.1f s, V26 folded their text in %.1f s%n",
                    backend, messages, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
        try (Homeserver server = Homeserver.start(config)) {
            queries(backend + ", after the migration", server.port(), token);
        }
    }

    private static void migrate(BaseJavaMigration migration, Connection c) throws Exception {
        migration.migrate(new Context() {
            @Override
            public Configuration getConfiguration() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Connection getConnection() {
                return c;
            }
        });
        c.commit();
    }

    private static List<String> rooms(RoomService rooms) {
        String admin = "@admin:localhost";
        List<String> out = new ArrayList<>();
        for (int r = 0; r < ROOMS; r++) {
            String roomId = rooms.create(admin, "10", List.of(
                    Draft.state("m.room.create", "", MatrixJson.mapper().createObjectNode().put("creator", admin)),
                    Draft.state("m.room.member", admin, MatrixJson.mapper().createObjectNode().put("membership", "join")),
                    Draft.state("m.room.join_rules", "", MatrixJson.mapper().createObjectNode().put("join_rule", "public"))), false);
            List<String> members = new ArrayList<>(List.of("@searcher:localhost"));
            for (int u = 0; u < USERS; u++) {
                members.add("@user" + u + ":localhost");
            }
            for (String user : members) {
                rooms.send(user, Optional.empty(), roomId, Draft.state("m.room.member", user,
                        MatrixJson.mapper().createObjectNode().put("membership", "join")), Optional.empty());
            }
            out.add(roomId);
        }
        return out;
    }

    private static void queries(String label, int port, String token) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String[] q : List.of(new String[] {"common word", "meeting"}, new String[] {"rare word", "zanzibar"},
                new String[] {"phrase", "\"quarterly report\""})) {
            for (String order : List.of("rank", "recent")) {
                ObjectNode criteria = MatrixJson.mapper().createObjectNode().put("search_term", q[1]).put("order_by", order);
                ObjectNode body = MatrixJson.mapper().createObjectNode();
                body.putObject("search_categories").set("room_events", criteria);
                String json = MatrixJson.write(body);
                long count = 0;
                int results = 0;
                long[] ns = new long[RUNS];
                for (int i = -WARM_UP; i < RUNS; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_matrix/client/v3/search"))
                            .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - t0;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("search: " + r.statusCode() + " " + r.body());
                    }
                    if (i >= 0) {
                        ns[i] = took;
                    }
                    JsonNode found = MatrixJson.mapper().readTree(r.body()).path("search_categories").path("room_events");
                    count = found.path("count").asLong();
                    results = found.path("results").size();
                }
                Arrays.sort(ns);
                System.out.printf("search [%s]: %-11s %-20s by %-6s p50 %6.1f ms  p99 %6.1f ms  (%,d matches, %d a batch)%n", label, q[0],
                        q[1], order, ns[RUNS / 2] / 1e6, ns[RUNS * 99 / 100] / 1e6, count, results);
            }
        }
    }

    private static String register(int port, String name) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/_matrix/client/v3/register")).POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + name
                + "\",\"password\":\"password-" + name + "\",\"auth\":{\"type\":\"m.login.dummy\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return MatrixJson.mapper().readTree(r.body()).path("access_token").asText();
    }

    /** Message texts: 6 to 14 words of a made-up vocabulary with Zipf frequencies, and the planted words counted. */
    private static final class Texts {
        private static final String[] SYLLABLES = {"ka", "lo", "mi", "ren", "to", "sa", "vel", "qui", "dor", "an", "bri", "ess", "po", "lun",
            "fa", "gri", "th", "ur", "zo", "nim"};
        private final Random random;
        private final String[] words = new String[3000];
        private final double[] cumulative = new double[words.length];
        int common;
        int rare;
        int phrase;

        Texts(Random random) {
            this.random = random;
            double sum = 0;
            for (int i = 0; i < words.length; i++) {
                words[i] = SYLLABLES[i % 20] + SYLLABLES[(i / 20) % 20] + SYLLABLES[(i / 400 + i) % 20];
                sum += 1.0 / (i + 1);
                cumulative[i] = sum;
            }
            for (int i = 0; i < words.length; i++) {
                cumulative[i] /= sum;
            }
        }

        String next() {
            StringBuilder text = new StringBuilder();
            int n = 6 + random.nextInt(9);
            for (int i = 0; i < n; i++) {
                int at = Arrays.binarySearch(cumulative, random.nextDouble());
                text.append(i == 0 ? "" : " ").append(words[at < 0 ? Math.min(words.length - 1, -at - 1) : at]);
            }
            if (random.nextDouble() < 0.2) {
                text.append(" meeting");
                common++;
            }
            if (random.nextDouble() < 0.01) {
                text.append(" quarterly report");
                phrase++;
            }
            if (random.nextDouble() < 0.0001) {
                text.append(" zanzibar");
                rare++;
            }
            return text.toString();
        }
    }
}
