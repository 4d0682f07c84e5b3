package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Events pushed to an application service ({@code PUT /_matrix/app/v1/transactions/{txnId}}), which is built on the
 * generated application-service server stubs and checks the {@code hs_token} of every request: what interests it by
 * each kind of namespace and nothing else, in stream order, in the client format, in transactions of at most 100
 * events; while it is down, then back (everything once, in order, the failed transaction sent again with its ID); and
 * across a restart of the homeserver with a transaction in flight.
 */
class AppServiceTransactionsTest {

    static final String NAMESPACES = """
            users:
              - exclusive: false
                regex: "@_br_.*"
            aliases:
              - exclusive: false
                regex: "#_br_.*"
            rooms: []
            """;

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;
    private final List<TestAppService> services = new ArrayList<>();
    private int txn;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        services.forEach(TestAppService::close);
    }

    private TestAppService service() throws Exception {
        TestAppService s = new TestAppService("hs_" + System.nanoTime());
        services.add(s);
        return s;
    }

    private void start(String backend, Path... registrations) throws Exception {
        server = TestServers.start(backend, dir, c -> c.withAppServiceConfigFiles(java.util.Arrays.stream(registrations).map(Path::toString).toList()));
        http = new JsonHttp(server.port());
    }

    private void restart(ServerConfig config) throws Exception {
        server = Homeserver.start(config);
        http = new JsonHttp(server.port());
    }

    private String room(String token, String body) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/createRoom", token, body);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("room_id").asText();
    }

    private String send(String token, String roomId, String text) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + enc(roomId) + "/send/m.room.message/t" + (++txn), token,
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    private String invite(String token, String roomId, String userId) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/rooms/" + enc(roomId) + "/invite", token, "{\"user_id\":\"" + userId + "\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return stateEventId(token, roomId, userId);
    }

    private String join(String token, String roomId, String userId) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/join/" + enc(roomId), token, "{}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return stateEventId(token, roomId, userId);
    }

    /** The event ID of a user's current membership event. */
    private String stateEventId(String token, String roomId, String userId) throws Exception {
        JsonHttp.Reply r = http.call("GET", "/rooms/" + enc(roomId) + "/state", token, null);
        for (var e : r.body()) {
            if (e.path("type").asText().equals("m.room.member") && e.path("state_key").asText().equals(userId)) {
                return e.path("event_id").asText();
            }
        }
        throw new AssertionError("no membership of " + userId + " in " + r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eventsReachTheServiceByItsUserAndAliasNamespacesAndNoOthers(String backend) throws Exception {
        TestAppService bridge = service();
        start(backend, bridge.register(dir, "bridge", "as_bridge", "bridge_bot", NAMESPACES, "[]"));
        String alice = http.register("alice", "alice-password");
        String carol = http.register("_br_carol", "carol-password"); // a user of the bridge's (non-exclusive) namespace

        String other = room(alice, "{\"preset\":\"private_chat\"}");
        String before = send(alice, other, "alice and nobody of the bridge's");
        String withCarol = room(alice, "{\"preset\":\"public_chat\"}");
        String invite = invite(alice, withCarol, "@_br_carol:localhost");
        String joined = join(carol, withCarol, "@_br_carol:localhost");
        String toCarol = send(alice, withCarol, "a message in a room carol is in");
        String aliased = room(alice, "{\"preset\":\"public_chat\",\"room_alias_name\":\"_br_lobby\"}");
        String inLobby = send(alice, aliased, "a message in a room with an alias of the bridge's");
        String after = send(alice, other, "still nobody of the bridge's");
        String last = send(carol, withCarol, "the last one");

        List<String> got = bridge.awaitEvents(1, 10);
        long end = System.nanoTime() + 10_000_000_000L;
        while (!got.contains(last) && System.nanoTime() < end) {
            Thread.sleep(20);
            got = bridge.eventIds();
        }
        assertThat(got).as("in stream order").containsSubsequence(invite, joined, toCarol, inLobby, last);
        assertThat(got).as("nothing of a room the bridge has no part in").doesNotContain(before, after);
        assertThat(new HashSet<>(got)).as("each once").hasSameSizeAs(got);
        assertThat(bridge.events()).allSatisfy(e -> assertThat(e.roomId()).isIn(withCarol, aliased));

        ClientEvent message = bridge.events().stream().filter(e -> e.eventId().equals(toCarol)).findFirst().orElseThrow();
        assertThat(message.type()).isEqualTo("m.room.message");
        assertThat(message.sender()).isEqualTo("@alice:localhost");
        assertThat(message.roomId()).isEqualTo(withCarol);
        assertThat(message.content().path("body").asText()).isEqualTo("a message in a room carol is in");
        assertThat(message.additionalProperties()).as("the client format, not the PDU")
                .doesNotContainKeys("auth_events", "prev_events", "depth", "hashes", "signatures", "origin");
        ClientEvent invited = bridge.events().stream().filter(e -> e.eventId().equals(invite)).findFirst().orElseThrow();
        assertThat(invited.stateKey()).contains("@_br_carol:localhost");
        assertThat(bridge.seen()).as("every request with the hs_token in the Authorization header, none in the URL")
                .isNotEmpty().allSatisfy(s -> {
                    assertThat(s.tokenRight()).isTrue();
                    assertThat(s.tokenInQuery()).isFalse();
                    assertThat(s.path()).startsWith("/_matrix/app/v1/transactions/");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServiceOfARoomIdGetsTheRoomsEventsFromWhenItWasConfigured(String backend) throws Exception {
        start(backend);
        String alice = http.register("alice", "alice-password");
        String roomId = room(alice, "{\"preset\":\"public_chat\"}");
        String before = send(alice, roomId, "before the service was configured");
        String elsewhere = room(alice, "{\"preset\":\"public_chat\"}");
        ServerConfig config = server.config();
        server.close();
        server = null;

        TestAppService logger = service();
        Path registration = logger.register(dir, "logger", "as_logger", "logger_bot",
                "users: []\naliases: []\nrooms:\n  - exclusive: false\n    regex: \"" + Pattern.quote(roomId).replace("\\", "\\\\") + "\"\n", "[]");
        restart(config.withAppServiceConfigFiles(List.of(registration.toString())));
        send(alice, elsewhere, "another room");
        String first = send(alice, roomId, "after");
        String second = send(alice, roomId, "and again");

        assertThat(logger.awaitEvents(2, 10)).containsExactly(first, second).doesNotContain(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServiceThatIsDownForAWhileGetsEverythingOnceInOrderWhenBack(String backend) throws Exception {
        TestAppService bridge = service();
        start(backend, bridge.register(dir, "bridge", "as_bridge", "bridge_bot", NAMESPACES, "[]"));
        String alice = http.register("alice", "alice-password");
        String carol = http.register("_br_carol", "carol-password");
        String roomId = room(carol, "{\"preset\":\"public_chat\"}");
        join(alice, roomId, "@alice:localhost");
        String marker = send(carol, roomId, "set up");
        awaitEvent(bridge, marker);
        int setUp = bridge.eventIds().size();

        bridge.down();
        List<String> sent = new ArrayList<>();
        sent.add(send(alice, roomId, "0"));
        bridge.awaitFailures(2, 10); // the first transaction failed, and failed again after a backoff
        awaitMeter(() -> failuresInARow("bridge") >= 2, "the failures in a row of the service that is down");
        for (int i = 1; i < 150; i++) {
            sent.add(send(i % 2 == 0 ? alice : carol, roomId, Integer.toString(i)));
        }
        bridge.up();
        List<String> got = bridge.awaitEvents(setUp + sent.size(), 20);

        assertThat(got.subList(setUp, got.size())).as("everything, once, in order").isEqualTo(sent);
        List<TestAppService.Txn> txns = bridge.allTransactions();
        List<TestAppService.Txn> failed = txns.stream().filter(t -> !t.taken()).toList();
        assertThat(failed).hasSizeGreaterThanOrEqualTo(2);
        assertThat(failed).as("the failed transaction sent again unchanged").allSatisfy(t -> {
            assertThat(t.txnId()).isEqualTo(failed.getFirst().txnId());
            assertThat(t.events().stream().map(ClientEvent::eventId).toList()).isEqualTo(List.of(sent.getFirst()));
        });
        List<TestAppService.Txn> taken = txns.stream().filter(TestAppService.Txn::taken).toList();
        TestAppService.Txn retried = taken.stream().filter(t -> t.txnId().equals(failed.getFirst().txnId())).findFirst().orElseThrow();
        assertThat(retried.events().stream().map(ClientEvent::eventId).toList()).isEqualTo(List.of(sent.getFirst()));
        assertThat(taken.stream().map(TestAppService.Txn::txnId).distinct().count()).as("each transaction ID once").isEqualTo(taken.size());
        assertThat(taken).allSatisfy(t -> assertThat(t.events()).hasSizeBetween(1, 100));
        assertThat(taken.stream().mapToInt(t -> t.events().size()).max().orElse(0)).as("the backlog in batches of 100").isEqualTo(100);

        // what the metrics say of it: every transaction and event counted once, the failures in a row back to 0
        int events = taken.stream().mapToInt(t -> t.events().size()).sum();
        awaitMeter(() -> counted("mxspec.appservice.events", "bridge", null) == events, "events taken");
        assertThat(counted("mxspec.appservice.transactions", "bridge", "taken")).isEqualTo(taken.size());
        assertThat(counted("mxspec.appservice.transactions", "bridge", "failed")).isEqualTo(failed.size());
        assertThat(failuresInARow("bridge")).isZero();
    }

    private double counted(String name, String service, String result) {
        var search = server.metrics().registry().find(name).tag("service", service);
        return (result == null ? search : search.tag("result", result)).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double failuresInARow(String service) {
        var gauge = server.metrics().registry().find("mxspec.appservice.failures.in.a.row").tag("service", service).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private static void awaitMeter(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached in 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTransactionInFlightAtARestartIsSentAgainWithItsIdAndEvents(String backend) throws Exception {
        TestAppService bridge = service();
        start(backend, bridge.register(dir, "bridge", "as_bridge", "bridge_bot", NAMESPACES, "[]"));
        String carol = http.register("_br_carol", "carol-password");
        String roomId = room(carol, "{\"preset\":\"public_chat\"}");
        awaitEvent(bridge, send(carol, roomId, "set up"));
        int setUp = bridge.eventIds().size();

        bridge.down();
        String one = send(carol, roomId, "one");
        bridge.awaitFailures(1, 10);
        String two = send(carol, roomId, "two"); // queued behind the transaction in flight
        TestAppService.Txn inFlight = bridge.allTransactions().stream().filter(t -> !t.taken()).findFirst().orElseThrow();
        ServerConfig config = server.config();
        server.close();
        server = null;
        bridge.up();

        restart(config);
        List<String> got = bridge.awaitEvents(setUp + 2, 20);
        String three = send(carol, roomId, "three");
        got = bridge.awaitEvents(setUp + 3, 20);

        assertThat(got.subList(setUp, got.size())).containsExactly(one, two, three);
        TestAppService.Txn firstAfter = bridge.allTransactions().stream().filter(TestAppService.Txn::taken)
                .filter(t -> t.events().stream().anyMatch(e -> e.eventId().equals(one))).findFirst().orElseThrow();
        assertThat(firstAfter.txnId()).isEqualTo(inFlight.txnId());
        assertThat(firstAfter.events().stream().map(ClientEvent::eventId).toList())
                .isEqualTo(inFlight.events().stream().map(ClientEvent::eventId).toList());
    }

    @Test
    void aServiceThatKnowsOnlyTheLegacyRoutesGetsItsTransactionsThere() throws Exception {
        TestAppService bridge = service();
        bridge.legacyOnly();
        start("sqlite", bridge.register(dir, "bridge", "as_bridge", "bridge_bot", NAMESPACES, "[]"));
        String carol = http.register("_br_carol", "carol-password");
        String roomId = room(carol, "{\"preset\":\"public_chat\"}");
        String hello = send(carol, roomId, "hello");

        awaitEvent(bridge, hello);
        assertThat(bridge.seen()).anySatisfy(s -> assertThat(s.path()).startsWith("/transactions/"))
                .allSatisfy(s -> assertThat(s.tokenRight()).isTrue());
    }

    @Test
    void aServiceGivenTheWrongHsTokenRefusesEveryTransactionAndGetsNothing() throws Exception {
        TestAppService bridge = service();
        start("sqlite", bridge.register(dir, "bridge", "as_bridge", "bridge_bot", NAMESPACES, "[]", "not_the_hs_token"));
        String carol = http.register("_br_carol", "carol-password");
        String roomId = room(carol, "{\"preset\":\"public_chat\"}");
        send(carol, roomId, "hello");

        long end = System.nanoTime() + 10_000_000_000L;
        while (bridge.seen().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(bridge.seen()).isNotEmpty().allSatisfy(s -> assertThat(s.tokenRight()).isFalse());
        assertThat(bridge.quietFor(300)).isTrue();
        assertThat(bridge.eventIds()).isEmpty();
    }

    private static void awaitEvent(TestAppService service, String eventId) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!service.eventIds().contains(eventId) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(service.eventIds()).contains(eventId);
    }
}
