package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.MissingEventException;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.RoomFederation.Received;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A room as a graph: events another server made arrive on branches, are checked on receipt (rejected, soft-failed
 * or accepted), and the room's current state is the resolution of its forward extremities. The other server is
 * played here with its own signing key.
 */
class RoomGraphTest {

    private static final String REMOTE = "remote.test";
    private static final String CAROL = "@carol:" + REMOTE;
    private static final SigningKey REMOTE_KEY = SigningKey.generate("r1");
    private static final ServerKeys KEYS = ServerKeys.of(REMOTE, REMOTE_KEY.verifyKey());

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;
    private String alice;
    private String roomId;
    private RoomVersion version;
    private int txn;

    @org.junit.jupiter.api.AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(String backend) throws Exception {
        start(configFor(backend));
    }

    /** A server on {@code config} with alice and her public room. */
    private void start(dev.mxspec.homeserver.core.ServerConfig config) throws Exception {
        server = Homeserver.start(config);
        http = new JsonHttp(server.port());
        alice = http.register("alice", "alice-password");
        roomId = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").body().path("room_id").asText();
        version = RoomVersions.of(server.storage().room(roomId).orElseThrow().roomVersion()).orElseThrow();
    }

    /** A test server's configuration in this test's folder, on SQLite or an empty PostgreSQL schema of its own. */
    private dev.mxspec.homeserver.core.ServerConfig configFor(String backend) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(dev.mxspec.homeserver.storage.Backends.postgresSchemaUrl())
                : Optional.empty();
        return new dev.mxspec.homeserver.core.ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg,
                true, 0, 0);
    }

    private String state(String type, String stateKey) {
        return server.storage().currentState(roomId).get(List.of(type, stateKey));
    }

    /** An event of the remote server: hashed and signed with its key, following {@code prevs}, citing {@code auth}. */
    private ObjectNode remote(String sender, String type, String stateKey, String content, List<String> prevs, List<String> auth,
            long ts) throws Exception {
        ObjectNode pdu = MatrixJson.mapper().createObjectNode();
        pdu.put("room_id", roomId);
        pdu.put("sender", sender);
        pdu.put("type", type);
        if (stateKey != null) {
            pdu.put("state_key", stateKey);
        }
        pdu.set("content", MatrixJson.mapper().readTree(content));
        pdu.put("origin", REMOTE);
        pdu.put("origin_server_ts", ts);
        long depth = server.storage().graphRows(prevs).stream().mapToLong(r -> r.depth()).max().orElse(0) + 1;
        pdu.put("depth", depth);
        ArrayNode p = pdu.putArray("prev_events");
        prevs.forEach(p::add);
        ArrayNode a = pdu.putArray("auth_events");
        auth.forEach(a::add);
        return EventSigning.hashAndSign(pdu, REMOTE, REMOTE_KEY, version);
    }

    private String idOf(ObjectNode pdu) {
        return EventIds.of(pdu, version).orElseThrow();
    }

    private List<String> extremities() {
        return server.storage().forwardExtremities(roomId);
    }

    private Received receive(ObjectNode pdu) {
        return server.rooms().federation().receive(pdu, KEYS);
    }

    /** Carol of the remote server joins over the room's current extremity; her join's ID. */
    private String carolJoins() throws Exception {
        ObjectNode join = remote(CAROL, "m.room.member", CAROL, "{\"membership\":\"join\"}", extremities(),
                List.of(state("m.room.create", ""), state("m.room.power_levels", ""), state("m.room.join_rules", "")),
                System.currentTimeMillis());
        Received r = receive(join);
        assertThat(r.status()).as(r.reason()).isEmpty();
        return r.eventId();
    }

    private String send(String token, String type, String content) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/send/" + type + "/t" + (++txn), token, content);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    private String putState(String type, String content) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/state/" + type + "/", alice, content);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    private String levels(int carolLevel) throws Exception {
        JsonNode now = http.call("GET", "/rooms/" + roomId + "/state/m.room.power_levels/", alice, null).body();
        ObjectNode content = now.deepCopy();
        content.withObjectProperty("users").put(CAROL, carolLevel);
        return putState("m.room.power_levels", MatrixJson.write(content));
    }

    private List<String> timeline() throws Exception {
        JsonNode chunk = http.call("GET", "/rooms/" + roomId + "/messages?dir=b&limit=100", alice, null).body().path("chunk");
        List<String> ids = new ArrayList<>();
        chunk.forEach(e -> ids.add(e.path("event_id").asText()));
        return ids;
    }

    private JsonNode pduOf(String eventId) throws Exception {
        return MatrixJson.mapper().readTree(server.storage().event(eventId).orElseThrow().json());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRemoteJoinFollowsTheExtremityAndLocalSendsFollowEveryExtremity(String backend) throws Exception {
        start(backend);
        {
            List<String> before = extremities();
            assertThat(before).as("a room made here is a line: one extremity").hasSize(1);
            String join = carolJoins();
            assertThat(extremities()).containsExactly(join);
            assertThat(state("m.room.member", CAROL)).isEqualTo(join);
            assertThat(timeline()).contains(join);
            JsonNode members = http.call("GET", "/rooms/" + roomId + "/joined_members", alice, null).body().path("joined");
            assertThat(members.has(CAROL)).isTrue();

            // a branch: carol's message follows her join while alice's follows it too
            String local = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"hi\"}");
            Received theirs = receive(remote(CAROL, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"hello\"}", List.of(join),
                    List.of(state("m.room.create", ""), state("m.room.power_levels", ""), join), System.currentTimeMillis()));
            assertThat(theirs.status()).as(theirs.reason()).isEmpty();
            assertThat(extremities()).containsExactlyInAnyOrder(local, theirs.eventId());

            String merge = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"both seen\"}");
            JsonNode pdu = pduOf(merge);
            List<String> prevs = new ArrayList<>();
            pdu.path("prev_events").forEach(p -> prevs.add(p.asText()));
            assertThat(prevs).containsExactlyInAnyOrder(local, theirs.eventId());
            assertThat(pdu.path("depth").asLong()).isEqualTo(Math.max(pduOf(local).path("depth").asLong(),
                    pduOf(theirs.eventId()).path("depth").asLong()) + 1);
            assertThat(extremities()).containsExactly(merge);
            assertThat(timeline()).contains(theirs.eventId(), local, merge);

            Received replay = receive((ObjectNode) pduOf(theirs.eventId()));
            assertThat(replay.eventId()).isEqualTo(theirs.eventId());
            assertThat(replay.status()).isEmpty();
            assertThat(server.storage().graphRows(List.of(theirs.eventId()))).as("stored once").hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aLocalEventFollowsTheTenDeepestOfMoreExtremitiesAndTheNextOneTheRest(String backend) throws Exception {
        start(backend);
        {
            String join = carolJoins();
            List<String> auth = List.of(state("m.room.create", ""), state("m.room.power_levels", ""), join);
            List<String> branches = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Received r = receive(remote(CAROL, "m.room.message", null, "{\"body\":\"branch " + i + "\"}", List.of(join), auth,
                        System.currentTimeMillis() + i));
                assertThat(r.status()).as(r.reason()).isEmpty();
                branches.add(r.eventId());
            }
            assertThat(extremities()).containsExactlyInAnyOrderElementsOf(branches);
            String first = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"first\"}");
            List<String> prevs = new ArrayList<>();
            pduOf(first).path("prev_events").forEach(p -> prevs.add(p.asText()));
            assertThat(prevs).hasSize(10).isSubsetOf(branches);
            List<String> rest = branches.stream().filter(b -> !prevs.contains(b)).toList();
            assertThat(extremities()).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(rest.stream(),
                    java.util.stream.Stream.of(first)).toList());
            String second = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"second\"}");
            List<String> secondPrevs = new ArrayList<>();
            pduOf(second).path("prev_events").forEach(p -> secondPrevs.add(p.asText()));
            assertThat(secondPrevs).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(rest.stream(),
                    java.util.stream.Stream.of(first)).toList());
            assertThat(extremities()).containsExactly(second);
            assertThat(timeline()).contains(first, second);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void concurrentTopicsResolveByTheSpecsOrderNotByArrival(String backend) throws Exception {
        start(backend);
        {
            String join = carolJoins();
            String promotion = levels(50);
            long now = System.currentTimeMillis();
            // carol's topic follows the promotion; alice's follows it too: two branches, one conflicted key
            ObjectNode later = remote(CAROL, "m.room.topic", "", "{\"topic\":\"carol's, later\"}", List.of(promotion),
                    List.of(state("m.room.create", ""), promotion, join), now + 60_000);
            String aliceTopic = putState("m.room.topic", "{\"topic\":\"alice's\"}");
            Received r = receive(later);
            assertThat(r.status()).as(r.reason()).isEmpty();
            assertThat(extremities()).hasSize(2);
            assertThat(state("m.room.topic", "")).as("same mainline position: the later origin_server_ts wins").isEqualTo(r.eventId());
            JsonNode topic = http.call("GET", "/rooms/" + roomId + "/state/m.room.topic/", alice, null).body();
            assertThat(topic.path("topic").asText()).isEqualTo("carol's, later");

            // an earlier topic from carol arrives after: accepted on its branch, but alice's later one stays
            String aliceAgain = putState("m.room.topic", "{\"topic\":\"alice's again\"}");
            ObjectNode earlier = remote(CAROL, "m.room.topic", "", "{\"topic\":\"carol's, earlier\"}", List.of(r.eventId()),
                    List.of(state("m.room.create", ""), promotion, join), now - 60_000);
            Received e = receive(earlier);
            assertThat(e.status()).as(e.reason()).isEmpty();
            assertThat(state("m.room.topic", "")).isEqualTo(aliceAgain);
            assertThat(aliceTopic).isNotEqualTo(aliceAgain);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anEventFailingItsAuthEventsOrTheStateBeforeItIsRejectedAndNeverServed(String backend) throws Exception {
        start(backend);
        {
            List<String> ends = extremities();
            // dave never joined: his message cites no membership and fails on its auth events
            Received dave = receive(remote("@dave:" + REMOTE, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"spam\"}", ends,
                    List.of(state("m.room.create", ""), state("m.room.power_levels", "")), System.currentTimeMillis()));
            assertThat(dave.status()).contains(EventStatus.REJECTED);
            assertThat(extremities()).isEqualTo(ends);

            // carol cites the power levels where she had 50, but the state before her event has her back at 0
            String join = carolJoins();
            String promotion = levels(50);
            String demotion = levels(0);
            Received topic = receive(remote(CAROL, "m.room.topic", "", "{\"topic\":\"mine\"}", List.of(demotion),
                    List.of(state("m.room.create", ""), promotion, join), System.currentTimeMillis()));
            assertThat(topic.status()).as(topic.reason()).contains(EventStatus.REJECTED);
            assertThat(topic.reason()).contains("state before");
            assertThat(extremities()).containsExactly(demotion);
            assertThat(state("m.room.topic", "")).isNull();

            for (String rejected : List.of(dave.eventId(), topic.eventId())) {
                assertThat(timeline()).doesNotContain(rejected);
                assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(rejected), alice, null).status()).isEqualTo(404);
                assertThat(server.storage().graphRow(rejected).orElseThrow().streamPos()).as("outside every client's range").isNegative();
            }
            // a client's token before the start of the stream does not reach them
            JsonHttp.Reply below = http.call("GET", "/rooms/" + roomId + "/messages?dir=f&from=s-1000000&limit=100", alice, null);
            assertThat(below.status()).isEqualTo(400);
            assertThat(below.body().path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
            JsonNode all = http.call("GET", "/rooms/" + roomId + "/messages?dir=f&from=s0&limit=100", alice, null).body();
            assertThat(all.toString()).contains(join).doesNotContain(dave.eventId()).doesNotContain(topic.eventId());
            // and a later event may follow a rejected one: its state is the state before the rejected event
            Received after = receive(remote(CAROL, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"ok\"}",
                    List.of(topic.eventId()), List.of(state("m.room.create", ""), demotion, join), System.currentTimeMillis()));
            assertThat(after.status()).as(after.reason()).isEmpty();
            assertThat(state("m.room.topic", "")).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anEventValidWhereItIsButNotAgainstTheCurrentStateIsSoftFailed(String backend) throws Exception {
        start(backend);
        {
            String join = carolJoins();
            String ban = http.call("POST", "/rooms/" + roomId + "/ban", alice, "{\"user_id\":\"" + CAROL + "\"}").body().toString();
            assertThat(state("m.room.member", CAROL)).isNotEqualTo(join);
            List<String> ends = extremities();
            // her server sends a message that follows her join, before the ban: valid there, not now
            Received evading = receive(remote(CAROL, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"still here\"}",
                    List.of(join), List.of(state("m.room.create", ""), state("m.room.power_levels", ""), join),
                    System.currentTimeMillis()));
            assertThat(evading.status()).as(evading.reason() + " " + ban).contains(EventStatus.SOFT_FAILED);
            assertThat(extremities()).as("never followed by new events").isEqualTo(ends);
            assertThat(timeline()).doesNotContain(evading.eventId());
            String next = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"after\"}");
            assertThat(pduOf(next).path("prev_events").toString()).doesNotContain(evading.eventId());
            JsonNode sync = http.call("GET", "/sync", alice, null).body();
            assertThat(sync.toString()).doesNotContain(evading.eventId());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void badEventsAreRefusedOrRedactedAndStoreNothingWrong(String backend) throws Exception {
        start(backend);
        {
            String join = carolJoins();
            List<String> auth = List.of(state("m.room.create", ""), state("m.room.power_levels", ""), join);
            // signed with a key the server does not know as the remote server's
            ObjectNode forged = remote(CAROL, "m.room.message", null, "{\"body\":\"forged\"}", List.of(join), auth, 1);
            assertThatThrownBy(() -> server.rooms().federation().receive(forged, ServerKeys.of(REMOTE, SigningKey.generate("r1").verifyKey())))
                    .isInstanceOf(MatrixException.class).hasMessageContaining("signature");
            assertThat(server.storage().graphRow(idOf(forged))).isEmpty();

            // a prev event this server does not hold: asked for, nothing stored
            ObjectNode gap = remote(CAROL, "m.room.message", null, "{\"body\":\"gap\"}", List.of("$unknown"), auth, 2);
            assertThatThrownBy(() -> receive(gap)).isInstanceOf(MissingEventException.class).hasMessageContaining("$unknown");
            assertThat(server.storage().graphRow(idOf(gap))).isEmpty();

            // content changed after signing: the hash fails, the event is kept redacted
            ObjectNode tampered = remote(CAROL, "m.room.message", null, "{\"body\":\"original\"}", List.of(join), auth, 3);
            tampered.withObjectProperty("content").put("body", "changed on the way");
            Received r = receive(tampered);
            assertThat(r.status()).isEmpty();
            assertThat(pduOf(r.eventId()).path("content").size()).isZero();

            // not an event of any room here; not an event at all
            ObjectNode elsewhere = remote(CAROL, "m.room.message", null, "{\"body\":\"x\"}", List.of(join), auth, 4);
            elsewhere.put("room_id", "!nowhere:" + REMOTE);
            assertThatThrownBy(() -> receive(elsewhere)).isInstanceOf(MatrixException.class).hasMessageContaining("unknown room");
            ObjectNode noType = remote(CAROL, "m.room.message", null, "{\"body\":\"x\"}", List.of(join), auth, 5);
            noType.remove("type");
            assertThatThrownBy(() -> receive(noType)).isInstanceOf(MatrixException.class);
            assertThat(server.storage().event(idOf(noType))).isEmpty();
            assertThat(Optional.ofNullable(state("m.room.member", CAROL))).contains(join);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eventsThatBreakThePduFormatAreDroppedAndStoreNothing(String backend) throws Exception {
        start(backend);
        {
            String join = carolJoins();
            List<String> auth = List.of(state("m.room.create", ""), state("m.room.power_levels", ""), join);
            java.util.Map<String, java.util.function.Consumer<ObjectNode>> breakages = new java.util.LinkedHashMap<>();
            breakages.put("no content", pdu -> pdu.remove("content"));
            breakages.put("prev_events not an array", pdu -> pdu.put("prev_events", join));
            breakages.put("a prev event that is not an ID", pdu -> pdu.withArrayProperty("prev_events").add(7));
            breakages.put("21 prev events", pdu -> {
                ArrayNode many = pdu.putArray("prev_events");
                for (int i = 0; i < 21; i++) {
                    many.add(join);
                }
            });
            breakages.put("11 auth events", pdu -> {
                ArrayNode many = pdu.putArray("auth_events");
                for (int i = 0; i < 11; i++) {
                    many.add(join);
                }
            });
            breakages.put("a 256-byte state key", pdu -> pdu.put("state_key", "k".repeat(256)));
            breakages.put("a sender that is no user ID", pdu -> pdu.put("sender", "carol"));
            breakages.put("a negative depth", pdu -> pdu.put("depth", -1));
            breakages.put("a depth past 2^63 - 1", pdu -> pdu.put("depth", new java.math.BigInteger("9223372036854775808")));
            breakages.put("a float", pdu -> pdu.withObjectProperty("content").put("n", 1.5));
            breakages.put("over 65,536 bytes", pdu -> pdu.withObjectProperty("content").put("body", "x".repeat(70_000)));
            breakages.put("no hashes", pdu -> pdu.remove("hashes"));
            List<String> ends = extremities();
            for (var breakage : breakages.entrySet()) {
                ObjectNode pdu = remote(CAROL, "m.room.message", null, "{\"body\":\"x\"}", List.of(join), auth, System.currentTimeMillis());
                breakage.getValue().accept(pdu);
                assertThatThrownBy(() -> receive(pdu)).as(breakage.getKey()).isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errcode()).isEqualTo("M_BAD_JSON");
                });
                assertThat(server.storage().graphRow(idOf(pdu))).as(breakage.getKey()).isEmpty();
            }
            assertThat(extremities()).isEqualTo(ends);

            // a prev event of another room: the event is rejected, and the other room's state plays no part
            String other = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").body().path("room_id").asText();
            String otherEvent = http.call("PUT", "/rooms/" + other + "/send/m.room.message/x1", alice,
                    "{\"msgtype\":\"m.text\",\"body\":\"elsewhere\"}").body().path("event_id").asText();
            Received crossing = receive(remote(CAROL, "m.room.message", null, "{\"body\":\"x\"}", List.of(otherEvent), auth,
                    System.currentTimeMillis()));
            assertThat(crossing.status()).as(crossing.reason()).contains(EventStatus.REJECTED);
            assertThat(crossing.reason()).contains("another room");
            assertThat(extremities()).isEqualTo(ends);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void outliersAreKnownWithTheirAuthEventsButOutsideTheTimelineAndTheState(String backend) throws Exception {
        start(backend);
        try (Homeserver running = server) {
            List<String> ends = extremities();
            String erin = "@erin:" + REMOTE;
            ObjectNode join = remote(erin, "m.room.member", erin, "{\"membership\":\"join\"}", ends,
                    List.of(state("m.room.create", ""), state("m.room.power_levels", ""), state("m.room.join_rules", "")),
                    System.currentTimeMillis());
            Received outlier = running.rooms().federation().receiveOutlier(join, KEYS);
            assertThat(outlier.status()).contains(EventStatus.OUTLIER);
            var row = running.storage().graphRow(outlier.eventId()).orElseThrow();
            assertThat(row.stateBefore()).isEmpty();
            assertThat(row.stateAfter()).isEmpty();
            assertThat(extremities()).isEqualTo(ends);
            assertThat(state("m.room.member", erin)).isNull();
            assertThat(timeline()).doesNotContain(outlier.eventId());
            assertThat(http.call("GET", "/rooms/" + roomId + "/event/" + enc(outlier.eventId()), alice, null).status()).isEqualTo(404);
            // an event following it needs its state, which an outlier lacks
            ObjectNode next = remote(erin, "m.room.message", null, "{\"body\":\"x\"}", List.of(outlier.eventId()),
                    List.of(state("m.room.create", ""), state("m.room.power_levels", ""), outlier.eventId()), System.currentTimeMillis());
            assertThatThrownBy(() -> receive(next)).isInstanceOf(MissingEventException.class);
            // received at its place in the room, it takes that place, in the timeline and the state, and what follows it is taken
            assertThat(receive(join).status()).isEmpty();
            assertThat(state("m.room.member", erin)).isEqualTo(outlier.eventId());
            assertThat(timeline()).contains(outlier.eventId());
            assertThat(receive(next).status()).isEmpty();
            assertThat(extremities()).containsExactly(EventIds.of(next, RoomVersions.of(running.storage().room(roomId).orElseThrow().roomVersion())
                    .orElseThrow()).orElseThrow());

            Received spam = running.rooms().federation().receiveOutlier(remote("@dave:" + REMOTE, "m.room.message", null, "{\"body\":\"spam\"}", ends,
                    List.of(state("m.room.create", "")), System.currentTimeMillis()), KEYS);
            assertThat(spam.status()).contains(EventStatus.REJECTED);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anotherServersRedactionAppliesOnlyWhereTheSpecApprovesIt(String backend) throws Exception {
        start(backend);
        try (Homeserver running = server) {
            String join = carolJoins();
            String mine = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"alice's words\"}");
            List<String> auth = List.of(state("m.room.create", ""), state("m.room.power_levels", ""), join);
            Received theirs = receive(remote(CAROL, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"carol's words\"}",
                    extremities(), auth, System.currentTimeMillis()));
            // carol has no power to redact, and alice is not of her server: the redaction is an event, but redacts nothing
            Received attack = receive(redaction(mine, auth));
            assertThat(attack.status()).as(attack.reason()).isEmpty();
            assertThat(pduOf(attack.eventId()).path("redacts").asText()).isEqualTo(mine);
            assertThat(pduOf(mine).path("content").path("body").asText()).isEqualTo("alice's words");
            assertThat(running.storage().event(mine).orElseThrow().redactedBy()).isEmpty();
            // her own message she may redact
            Received r = receive(redaction(theirs.eventId(), auth));
            assertThat(r.status()).as(r.reason()).isEmpty();
            assertThat(running.storage().event(theirs.eventId()).orElseThrow().redactedBy()).contains(r.eventId());
        }
    }

    /** Carol's redaction of {@code target} (room version 10: {@code redacts} at the top level of the event). */
    private ObjectNode redaction(String target, List<String> auth) throws Exception {
        ObjectNode pdu = MatrixJson.mapper().createObjectNode();
        pdu.put("room_id", roomId);
        pdu.put("sender", CAROL);
        pdu.put("type", "m.room.redaction");
        pdu.put("redacts", target);
        pdu.putObject("content");
        pdu.put("origin", REMOTE);
        pdu.put("origin_server_ts", System.currentTimeMillis());
        List<String> prevs = extremities();
        pdu.put("depth", server.storage().graphRows(prevs).stream().mapToLong(r -> r.depth()).max().orElse(0) + 1);
        ArrayNode p = pdu.putArray("prev_events");
        prevs.forEach(p::add);
        ArrayNode a = pdu.putArray("auth_events");
        auth.forEach(a::add);
        return EventSigning.hashAndSign(pdu, REMOTE, REMOTE_KEY, version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theExtremitiesOfABranchedRoomSurviveARestart(String backend) throws Exception {
        dev.mxspec.homeserver.core.ServerConfig config = configFor(backend);
        start(config);
        String join = carolJoins();
        String local = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"one\"}");
        Received branch = receive(remote(CAROL, "m.room.message", null, "{\"body\":\"two\"}", List.of(join),
                List.of(state("m.room.create", ""), state("m.room.power_levels", ""), join), System.currentTimeMillis()));
        String later = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"three\"}");
        assertThat(pduOf(later).path("prev_events").size()).isEqualTo(2);
        Received another = receive(remote(CAROL, "m.room.message", null, "{\"body\":\"four\"}", List.of(branch.eventId()),
                List.of(state("m.room.create", ""), state("m.room.power_levels", ""), join), System.currentTimeMillis()));
        List<String> ends = extremities();
        assertThat(ends).containsExactlyInAnyOrder(later, another.eventId());
        assertThat(local).isNotEqualTo(later);
        server.close();
        server = Homeserver.start(config);
        http = new JsonHttp(server.port());
        assertThat(extremities()).containsExactlyInAnyOrderElementsOf(ends);
        String merge = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"five\"}");
        List<String> prevs = new ArrayList<>();
        pduOf(merge).path("prev_events").forEach(p -> prevs.add(p.asText()));
        assertThat(prevs).containsExactlyInAnyOrderElementsOf(ends);
        assertThat(extremities()).containsExactly(merge);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDatabaseOfTheReleaseBeforeTheGraphOpensWithEveryRoomsGraphAndState(String backend) throws Exception {
        dev.mxspec.homeserver.core.ServerConfig config = configFor(backend);
        start(config);
        Optional<String> pg = config.postgresUrl();
        String bob;
        java.util.Map<List<String>, String> stateBefore;
        String last;
        {
            bob = http.register("bob", "bob-password");
            http.call("POST", "/join/" + roomId, bob, "{}");
            putState("m.room.topic", "{\"topic\":\"kept\"}");
            send(bob, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"one\"}");
            last = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"two\"}");
            stateBefore = server.storage().currentState(roomId);
        }
        server.close();
        server = null;
        // the database as the release before the room graph left it: no graph columns or tables, V8 and later not applied
        String url = pg.orElse("jdbc:sqlite:" + dir.resolve("data/homeserver.db"));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                java.sql.Statement st = c.createStatement()) {
            for (String column : List.of("prev_events", "auth_events", "status", "state_before", "state_after")) {
                st.executeUpdate("ALTER TABLE events DROP COLUMN " + column);
            }
            // and none of the later migrations either (V10: remote server keys, V11: federation transactions, V12: e2e federation)
            for (String table : List.of("state_groups", "state_group_deltas", "forward_extremities", "backward_extremities",
                    "remote_server_keys", "federation_received_txns", "federation_outbox", "federation_destinations",
                    "device_list_outbound", "remote_device_lists", "federation_received_to_device")) {
                st.executeUpdate("DROP TABLE " + table);
            }
            // (V14: OpenID tokens, the expiry of signing keys, events by time)
            st.executeUpdate("DROP TABLE openid_tokens");
            st.executeUpdate("DROP INDEX events_by_room_time");
            st.executeUpdate("ALTER TABLE server_keys DROP COLUMN expired_ts");
            st.executeUpdate("DROP TABLE event_reports"); // V19: reported events
            st.executeUpdate("DROP TABLE room_keys"); // V17: server-side key backups
            st.executeUpdate("DROP TABLE room_keys_versions");
            st.executeUpdate("DROP TABLE appservice_room_list"); // V18: the room lists of application services' networks
            for (String table : List.of("appservice_stream", "appservice_queue", "appservice_states")) { // V16: service transactions
                st.executeUpdate("DROP TABLE " + table);
            }
            st.executeUpdate("DROP INDEX memberships_by_pos");
            for (String table : List.of("cross_signing_keys", "cross_signing_signatures", "user_signature_changes")) { // V15: cross-signing
                st.executeUpdate("DROP TABLE " + table);
            }
            st.executeUpdate("ALTER TABLE devices DROP COLUMN last_seen_user_agent"); // V22: the client of a device's last request
            st.executeUpdate("DROP TABLE registration_tokens"); // V23: registration tokens
            st.executeUpdate("ALTER TABLE users DROP COLUMN guest"); // V24: guest accounts
            for (String table : List.of("threepid_validation_sessions", "user_threepids", "user_threepid_id_servers")) { // V21: 3PIDs
                st.executeUpdate("DROP TABLE " + table);
            }
            st.executeUpdate("DROP TABLE event_search"); // V20: the search index (and SQLite's full-text table)
            if (pg.isEmpty()) {
                st.executeUpdate("DROP TABLE event_search_text");
            }
            st.executeUpdate("DELETE FROM flyway_schema_history WHERE version IN ('8', '9', '10', '11', '12', '14', '15', '16', '17', '18', '19', "
                    + "'20', '21', '22', '23', '24', '25', '26', '27')");
        }
        server = Homeserver.start(config);
        http = new JsonHttp(server.port());
        {
            assertThat(server.storage().currentState(roomId)).isEqualTo(stateBefore);
            assertThat(extremities()).containsExactly(last);
            var rows = server.storage().graphRows(List.copyOf(stateBefore.values()));
            assertThat(rows).allSatisfy(r -> assertThat(r.stateAfter()).isPresent());
            long lastGroup = server.storage().graphRow(last).orElseThrow().stateAfter().orElseThrow();
            var groups = new dev.mxspec.homeserver.services.StateGroups(server.storage());
            java.util.Map<List<String>, String> fromGroups = new java.util.HashMap<>();
            groups.state(lastGroup).forEach((k, v) -> fromGroups.put(List.of(k.type(), k.stateKey()), v));
            assertThat(fromGroups).isEqualTo(stateBefore);
            JsonNode found = http.call("POST", "/search", alice, "{\"search_categories\":{\"room_events\":{\"search_term\":\"two\"}}}")
                    .body().path("search_categories").path("room_events").path("results");
            assertThat(found).as("the messages it held are found").hasSize(1);
            assertThat(found.get(0).path("result").path("event_id").asText()).isEqualTo(last);
            String next = send(alice, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"three\"}");
            assertThat(pduOf(next).path("prev_events").toString()).isEqualTo("[\"" + last + "\"]");
            assertThat(timeline()).startsWith(next, last);
        }
    }
}
