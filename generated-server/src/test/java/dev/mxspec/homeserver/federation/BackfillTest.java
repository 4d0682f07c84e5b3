package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.federation.rooms.Backfiller;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.BackfilledEvents;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user who joins a room of another server late reads its history from before his join: {@code /messages} backwards
 * past the join asks the resident server for the events before it ({@code /backfill}), checks them as every received
 * event, and pages on into them up to the room's creation, as the history visibility allows; forwards again from a
 * token of that history; never in {@code /sync} as new. Forged events of a backfill answer are left out, and a
 * resident server that cannot be reached leaves the page with what is held.
 */
class BackfillTest extends TwoFederatingServers {

    private String roomId;
    private String alice;
    private String bob;
    private String nameA;

    /** A's room with alice's messages {@code m1..m<n>} under {@code visibility}, then bob of B joined; bob's join. */
    private String roomWithHistory(String backend, String visibility, int n, ServerConfig configA) throws Exception {
        a = Homeserver.start(configA);
        b = start(backend, "b");
        nameA = FederationServers.name(a);
        alice = api.register(a, "alice");
        bob = api.register(b, "bob");
        roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
                + "\"m.room.history_visibility\",\"state_key\":\"\",\"content\":{\"history_visibility\":\"" + visibility + "\"}}]}")
                .path("room_id").asText();
        say(1, n);
        return bobJoins();
    }

    private void say(int from, int to) throws Exception {
        for (int i = from; i <= to; i++) {
            String path = "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/t" + i;
            String body = "{\"msgtype\":\"m.text\",\"body\":\"m" + i + "\"}";
            var r = api.raw(a, "PUT", path, alice, body);
            while (r.statusCode() == 429) { // the send rate limit: wait as told
                Thread.sleep(MatrixJson.mapper().readTree(r.body()).path("retry_after_ms").asLong(100));
                r = api.raw(a, "PUT", path, alice, body);
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    private String bobJoins() throws Exception {
        api.call(b, "POST", "/join/" + ClientApi.enc(roomId), bob, "{}");
        return b.storage().currentState(roomId).get(List.of("m.room.member", "@bob:" + FederationServers.name(b)));
    }

    /** Every page of {@code /messages} from {@code from} in {@code dir}, {@code limit} a page, until one has no end. */
    private List<JsonNode> pages(Homeserver server, String token, String dir, String from, int limit) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String next = from;
        for (int i = 0; i < 100; i++) {
            JsonNode page = api.call(server, "GET", "/rooms/" + ClientApi.enc(roomId) + "/messages?dir=" + dir + "&limit=" + limit
                    + (next == null ? "" : "&from=" + next), token, null);
            out.add(page);
            if (!page.has("end")) {
                return out;
            }
            next = page.path("end").asText();
        }
        throw new AssertionError("no end after 100 pages");
    }

    private static List<String> ids(List<JsonNode> pages) {
        List<String> out = new ArrayList<>();
        pages.forEach(p -> p.path("chunk").forEach(e -> out.add(e.path("event_id").asText())));
        return out;
    }

    private static List<String> bodies(List<JsonNode> pages) {
        List<String> out = new ArrayList<>();
        pages.forEach(p -> p.path("chunk").forEach(e -> {
            if (e.path("type").asText().equals("m.room.message")) {
                out.add(e.path("content").path("body").asText());
            }
        }));
        return out;
    }

    private static List<String> messages(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = to; i >= from; i--) {
            out.add("m" + i);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aLateJoinerPagesThroughTheWholeHistoryAndForwardsAgain(String backend) throws Exception {
        String join = roomWithHistory(backend, "shared", 120, config("sqlite", "a"));
        String since = api.call(b, "GET", "/sync?timeout=0", bob, null).path("next_batch").asText();

        List<JsonNode> backwards = pages(b, bob, "b", null, 25);

        List<String> all = ids(pages(a, alice, "b", null, 1000)); // the resident server's whole timeline, newest first
        assertThat(ids(backwards)).isEqualTo(all);
        assertThat(new HashSet<>(ids(backwards))).hasSameSizeAs(all);
        assertThat(bodies(backwards)).isEqualTo(messages(1, 120));
        assertThat(backwards.getLast().path("chunk").get(backwards.getLast().path("chunk").size() - 1).path("type").asText())
                .isEqualTo("m.room.create");
        assertThat(ids(backwards).getFirst()).isEqualTo(join);
        assertThat(backwards.size()).isGreaterThan(5);
        assertThat(b.storage().backwardExtremities(roomId)).isEmpty();

        // forwards again from a token inside the backfilled history: the newer events, oldest first
        String inside = backwards.get(2).path("end").asText();
        assertThat(inside).startsWith("b");
        List<String> newer = new ArrayList<>(ids(backwards.subList(0, 3)));
        java.util.Collections.reverse(newer);
        assertThat(ids(pages(b, bob, "f", inside, 30))).isEqualTo(newer);

        // a backfilled event is an event of the room for /event and /context
        String m60 = ids(backwards).get(1 + 60); // the join, then m120 .. m1
        assertThat(api.call(b, "GET", "/rooms/" + ClientApi.enc(roomId) + "/event/" + ClientApi.enc(m60), bob, null)
                .path("content").path("body").asText()).isEqualTo("m60");
        JsonNode context = api.call(b, "GET", "/rooms/" + ClientApi.enc(roomId) + "/context/" + ClientApi.enc(m60) + "?limit=4", bob, null);
        assertThat(bodies(List.of(MatrixJson.mapper().createObjectNode().set("chunk", context.path("events_before")))))
                .containsExactly("m59", "m58");
        assertThat(bodies(List.of(MatrixJson.mapper().createObjectNode().set("chunk", context.path("events_after")))))
                .containsExactly("m61", "m62");

        // nothing of it is new to bob's sync
        JsonNode later = api.call(b, "GET", "/sync?timeout=0&since=" + since, bob, null);
        assertThat(later.path("rooms").path("join").path(roomId).path("timeline").path("events").size()).isZero();

        // tokens this server never gave
        for (String bad : List.of("b", "bx", "b-3", "x12")) {
            var r = api.raw(b, "GET", "/rooms/" + ClientApi.enc(roomId) + "/messages?dir=b&from=" + bad, bob, null);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(MatrixJson.mapper().readTree(r.body()).path("errcode").asText()).isEqualTo("M_INVALID_PARAM");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void underJoinedVisibilityNothingBeforeTheJoinIsShown(String backend) throws Exception {
        String join = roomWithHistory(backend, "joined", 8, config("sqlite", "a"));

        assertThat(ids(pages(b, bob, "b", null, 5))).containsExactly(join);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eachBackfilledEventIsShownAsTheVisibilityAtItAllows(String backend) throws Exception {
        a = start("sqlite", "a");
        b = start(backend, "b");
        alice = api.register(a, "alice");
        bob = api.register(b, "bob");
        roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
                + "\"m.room.history_visibility\",\"state_key\":\"\",\"content\":{\"history_visibility\":\"joined\"}}]}")
                .path("room_id").asText();
        say(1, 4); // under joined: bob, who joins later, never sees these
        String shared = api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.history_visibility/", alice,
                "{\"history_visibility\":\"shared\"}").path("event_id").asText();
        say(5, 8); // under shared: a member who joins later sees these
        String join = bobJoins();

        List<JsonNode> backwards = pages(b, bob, "b", null, 3);

        assertThat(bodies(backwards)).isEqualTo(messages(5, 8));
        assertThat(ids(backwards)).startsWith(join).contains(shared);
        // before it, only the room's first state events: sent under the default (shared) or changing to joined from it
        List<JsonNode> events = new ArrayList<>();
        backwards.forEach(p -> p.path("chunk").forEach(events::add));
        List<JsonNode> older = events.subList(ids(backwards).indexOf(shared) + 1, events.size());
        assertThat(older).allMatch(e -> e.has("state_key"));
        assertThat(older.getLast().path("type").asText()).isEqualTo("m.room.create");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aResidentServerThatIsDownLeavesWhatIsHeldAndIsAskedAgainOnceBack(String backend) throws Exception {
        ServerConfig configA = config("sqlite", "a");
        String join = roomWithHistory(backend, "shared", 10, configA);
        a.close();
        a = null;

        assertThat(ids(pages(b, bob, "b", null, 5))).containsExactly(join);

        a = Homeserver.start(configA);
        List<JsonNode> backwards = pages(b, bob, "b", null, 5);
        assertThat(bodies(backwards)).isEqualTo(messages(1, 10));
        assertThat(ids(backwards)).isEqualTo(ids(pages(a, alice, "b", null, 1000)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void forgedEventsOfABackfillAnswerAreLeftOut(String backend) throws Exception {
        String join = roomWithHistory(backend, "shared", 10, config("sqlite", "a"));
        RoomVersion version = RoomVersions.of(b.storage().room(roomId).orElseThrow().roomVersion()).orElseThrow();
        SigningKey keyA = FederationServers.signingKey(a);
        List<String> forged = new ArrayList<>();
        Backfiller hostile = new Backfiller(b.rooms(), b.storage(), new BackfilledEvents(b.rooms()), (d, m, uri, body) -> {
            FederationClient.Response r = b.federation().client().send(d, m, uri, body);
            if (!uri.startsWith("/_matrix/federation/v1/backfill/")) {
                return r;
            }
            ArrayNode pdus = (ArrayNode) r.body().path("pdus");
            ObjectNode m6 = null;
            for (int i = 0; i < pdus.size(); i++) {
                ObjectNode e = (ObjectNode) pdus.get(i);
                String body5 = e.path("content").path("body").asText();
                if (body5.equals("m5")) { // signed with another key under A's key ID
                    ObjectNode resigned = e.deepCopy();
                    resigned.remove("signatures");
                    resigned = EventSigning.addSignature(resigned, nameA, SigningKey.decode(SigningKey.generate("a").encode()), version);
                    forged.add(EventIds.of(resigned, version).orElseThrow());
                    pdus.set(i, resigned);
                }
                if (body5.equals("m6")) {
                    m6 = e;
                }
            }
            // well signed by A, but of a user who is not in the room: fails the authorization rules
            ObjectNode mallory = MatrixJson.mapper().createObjectNode();
            mallory.put("room_id", roomId).put("sender", "@mallory:" + nameA).put("type", "m.room.message").put("origin", nameA)
                    .put("origin_server_ts", 1).put("depth", m6.path("depth").asLong() + 1);
            mallory.putObject("content").put("msgtype", "m.text").put("body", "mallory");
            mallory.putArray("prev_events").add(EventIds.of(m6, version).orElseThrow());
            mallory.putArray("auth_events").addAll((ArrayNode) m6.path("auth_events").deepCopy());
            mallory = EventSigning.hashAndSign(mallory, nameA, keyA, version);
            forged.add(EventIds.of(mallory, version).orElseThrow());
            pdus.add(mallory);
            return r;
        }, b.federation().keys(), FederationServers.name(b));

        assertThat(hostile.backfill(roomId)).isTrue();
        a.close();
        a = null;

        List<JsonNode> backwards = pages(b, bob, "b", null, 4);
        List<String> expected = messages(6, 10);
        expected.addAll(messages(1, 4));
        assertThat(bodies(backwards)).isEqualTo(expected);
        assertThat(ids(backwards).getFirst()).isEqualTo(join);
        assertThat(backwards.getLast().path("chunk").get(backwards.getLast().path("chunk").size() - 1).path("type").asText())
                .isEqualTo("m.room.create");
        assertThat(b.storage().graphRow(forged.get(0))).isEmpty();
        assertThat(b.storage().graphRow(forged.get(1)).orElseThrow().status()).isEqualTo(Optional.of(EventStatus.REJECTED));
        assertThat(b.storage().backwardExtremities(roomId)).containsExactly(forged.get(0));
    }
}
