package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.SyncClient.field;
import static dev.mxspec.homeserver.main.SyncClient.stateMembers;
import static dev.mxspec.homeserver.main.SyncClient.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Joined rooms in {@code /sync}: summary, state at the timeline's start, joins anew, profile changes, timeline limits. */
class SyncRoomsTest {

    @TempDir
    Path dir;

    private SyncClient c;

    @AfterEach
    void stop() {
        if (c != null) {
            c.server.close();
        }
    }

    private static JsonNode room(JsonNode sync, String roomId) {
        return sync.path("rooms").path("join").path(roomId);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> out = new ArrayList<>(List.of(first));
        out.addAll(rest.subList(0, 5));
        return out;
    }

    private static List<String> types(JsonNode events) {
        return field(events, "/type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void summaryHasFiveHeroesInJoinOrderAndCountsThatFollowMemberships(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String unnamed = c.room(alice, "{\"preset\":\"public_chat\"}");
        String named = c.room(alice, "{\"preset\":\"public_chat\",\"name\":\"Named\"}");
        List<String> joined = new ArrayList<>();
        for (String name : List.of("ua", "zb", "mc", "bd", "ye", "cf")) { // join order differs from name order
            String token = c.http.register(name, name + "-password");
            c.join(token, unnamed);
            joined.add("@" + name + ":localhost");
        }
        c.join(c.http.register("nina", "nina-password"), named);
        JsonNode first = c.sync(alice, null, null);
        JsonNode summary = room(first, unnamed).path("summary");
        assertThat(strings(summary.path("m.heroes"))).containsExactlyElementsOf(joined.subList(0, 5));
        assertThat(summary.path("m.joined_member_count").asInt()).isEqualTo(7);
        assertThat(summary.path("m.invited_member_count").asInt()).isZero();
        JsonNode namedSummary = room(first, named).path("summary");
        assertThat(namedSummary.has("m.heroes")).as("a named room needs no heroes").isFalse();
        assertThat(namedSummary.path("m.joined_member_count").asInt()).isEqualTo(2);

        JsonNode lazy = c.sync(alice, "{\"room\":{\"state\":{\"lazy_load_members\":true},\"timeline\":{\"limit\":1}}}", null);
        assertThat(stateMembers(lazy, unnamed)).as("with lazy-loading: the user and the heroes (the last sender's join is the timeline)")
                .containsExactlyInAnyOrderElementsOf(concat("@alice:localhost", joined));

        c.send(alice, unnamed, "no membership change");
        JsonNode quiet = c.sync(alice, null, first.path("next_batch").asText());
        assertThat(room(quiet, unnamed).has("summary")).as("counts unchanged: left out").isFalse();

        c.http.register("olga", "olga-password");
        SyncClient.ok(c.http.call("POST", "/rooms/" + unnamed + "/invite", alice, "{\"user_id\":\"@olga:localhost\"}"));
        JsonNode invited = c.sync(alice, null, quiet.path("next_batch").asText());
        assertThat(room(invited, unnamed).path("summary").path("m.invited_member_count").asInt()).isEqualTo(1);
        assertThat(room(invited, unnamed).path("summary").path("m.joined_member_count").asInt()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void stateIsTheStateAtTheStartOfTheTimeline(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String roomId = c.room(alice, "{\"preset\":\"public_chat\",\"topic\":\"first topic\"}");
        c.sendMany(alice, roomId, 3);
        c.state(alice, roomId, "m.room.topic", "", "{\"topic\":\"second topic\"}");
        c.send(alice, roomId, "after the topic");
        JsonNode body = c.sync(alice, "{\"room\":{\"timeline\":{\"limit\":3}}}", null);
        JsonNode state = room(body, roomId).path("state").path("events");
        List<String> topics = new ArrayList<>();
        state.forEach(e -> {
            if (e.path("type").asText().equals("m.room.topic")) {
                topics.add(e.path("content").path("topic").asText());
            }
        });
        assertThat(topics).as("the topic before the timeline's change").containsExactly("first topic");
        assertThat(field(room(body, roomId).path("timeline").path("events"), "/content/topic")).contains("second topic");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void profileChangeArrivesAsAStateChangeWithoutAFullStateResync(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String bob = c.http.register("bob", "bob-password");
        String roomId = c.room(alice, "{\"preset\":\"public_chat\"}");
        c.join(bob, roomId);
        String since = c.sync(alice, null, null).path("next_batch").asText();
        // a member event sent directly, and one sent by a profile change
        c.state(alice, roomId, "m.room.member", "@alice:localhost", "{\"membership\":\"join\",\"displayname\":\"Alice A.\"}");
        SyncClient.ok(c.http.call("PUT", "/profile/@bob:localhost/displayname", bob, "{\"displayname\":\"Bob B.\"}"));
        JsonNode room = room(c.sync(alice, null, since), roomId);
        assertThat(room.path("state").path("events")).as("no full state for one's own profile change").isEmpty();
        JsonNode timeline = room.path("timeline").path("events");
        assertThat(field(timeline, "/content/displayname")).containsExactly("Alice A.", "Bob B.");
        assertThat(field(timeline, "/unsigned/prev_content/membership")).containsExactly("join", "join");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void leavingAndRejoiningWithinOneBatchGivesTheRoomWithItsFullState(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String bob = c.http.register("bob", "bob-password");
        String roomId = c.room(alice, "{\"preset\":\"public_chat\",\"topic\":\"old\"}");
        c.join(bob, roomId);
        String since = c.sync(bob, null, null).path("next_batch").asText();
        c.leave(bob, roomId);
        c.state(alice, roomId, "m.room.topic", "", "{\"topic\":\"changed while bob was away\"}");
        c.sendMany(alice, roomId, 5);
        c.join(bob, roomId);
        c.send(alice, roomId, "welcome back");
        JsonNode body = c.sync(bob, "{\"room\":{\"timeline\":{\"limit\":3}}}", since);
        assertThat(body.path("rooms").path("leave").has(roomId)).isFalse();
        JsonNode room = room(body, roomId);
        assertThat(room.path("timeline").path("limited").asBoolean()).isTrue();
        JsonNode state = room.path("state").path("events");
        assertThat(types(state)).as("the whole state at the timeline's start").contains("m.room.create", "m.room.power_levels",
                "m.room.join_rules", "m.room.topic");
        state.forEach(e -> {
            if (e.path("type").asText().equals("m.room.topic")) {
                assertThat(e.path("content").path("topic").asText()).isEqualTo("changed while bob was away");
            }
        });
        assertThat(field(room.path("timeline").path("events"), "/content/body")).endsWith("welcome back");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void timelineLimitOfTheFilterIsHonouredAboveTheDefaultAndAfterFiltering(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String roomId = c.room(alice, "{\"preset\":\"public_chat\"}");
        int before = room(c.sync(alice, null, null), roomId).path("timeline").path("events").size();
        for (int i = 0; i < 30; i++) {
            c.send(alice, roomId, "m" + i);
            if (i % 3 == 0) {
                c.state(alice, roomId, "m.room.topic", "", "{\"topic\":\"t" + i + "\"}");
            }
        }
        JsonNode all = room(c.sync(alice, "{\"room\":{\"timeline\":{\"limit\":100}}}", null), roomId).path("timeline");
        assertThat(all.path("events").size()).isEqualTo(before + 40);
        assertThat(all.path("limited").asBoolean()).isFalse();
        JsonNode some = room(c.sync(alice, "{\"room\":{\"timeline\":{\"limit\":25}}}", null), roomId).path("timeline");
        assertThat(some.path("events").size()).isEqualTo(25);
        assertThat(some.path("limited").asBoolean()).isTrue();
        assertThat(some.path("prev_batch").asText()).startsWith("s");
        JsonNode messages = room(c.sync(alice, "{\"room\":{\"timeline\":{\"limit\":12,\"types\":[\"m.room.message\"]}}}", null), roomId)
                .path("timeline");
        List<String> bodies = field(messages.path("events"), "/content/body");
        assertThat(bodies).as("twelve messages, though state events are among them").hasSize(12).endsWith("m29").startsWith("m18");
        assertThat(messages.path("limited").asBoolean()).isTrue();
        JsonNode page = SyncClient.ok(c.http.call("GET", "/rooms/" + roomId + "/messages?dir=b&limit=1&from="
                + messages.path("prev_batch").asText(), alice, null));
        assertThat(page.path("chunk").get(0).path("content").path("body").asText()).as("the event just before the timeline")
                .isEqualTo("m17");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void fullStateIncrementalSyncHasAllStateAndOnlyTheNewTimeline(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String roomId = c.room(alice, "{\"preset\":\"public_chat\",\"name\":\"Full\"}");
        String since = c.sync(alice, null, null).path("next_batch").asText();
        c.send(alice, roomId, "new");
        JsonNode room = room(SyncClient.ok(c.http.call("GET", "/sync?full_state=true&since=" + since, alice, null)), roomId);
        assertThat(field(room.path("timeline").path("events"), "/content/body")).containsExactly("new");
        assertThat(types(room.path("state").path("events"))).contains("m.room.create", "m.room.name", "m.room.member",
                "m.room.power_levels");
        JsonNode unchanged = SyncClient.ok(c.http.call("GET", "/sync?full_state=true&timeout=10000&since="
                + SyncClient.ok(c.http.call("GET", "/sync?since=" + since, alice, null)).path("next_batch").asText(), alice, null));
        assertThat(room(unchanged, roomId).path("timeline").path("events")).as("at once, without waiting").isEmpty();
        assertThat(types(room(unchanged, roomId).path("state").path("events"))).contains("m.room.create");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void federationFormatServesThePdus(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String roomId = c.room(alice, "{\"preset\":\"public_chat\"}");
        String eventId = c.send(alice, roomId, "hello");
        JsonNode federation = room(c.sync(alice, "{\"event_format\":\"federation\",\"room\":{\"timeline\":{\"limit\":1}}}", null), roomId);
        JsonNode pdu = federation.path("timeline").path("events").get(0);
        assertThat(pdu.path("event_id").asText()).isEqualTo(eventId);
        for (String field : List.of("auth_events", "prev_events", "depth", "hashes", "signatures", "origin_server_ts", "room_id", "sender",
                "type", "content")) {
            assertThat(pdu.has(field)).as(field).isTrue();
        }
        assertThat(pdu.path("auth_events").size()).isEqualTo(3);
        assertThat(pdu.path("unsigned").path("transaction_id").isTextual()).as("the sender's device sees its transaction").isTrue();
        JsonNode stateEvent = federation.path("state").path("events").get(0);
        assertThat(stateEvent.has("hashes") && stateEvent.has("depth")).isTrue();
        JsonNode client = room(c.sync(alice, "{\"event_format\":\"client\",\"room\":{\"timeline\":{\"limit\":1}}}", null), roomId)
                .path("timeline").path("events").get(0);
        assertThat(client.has("hashes") || client.has("auth_events") || client.has("depth")).isFalse();
        assertThat(stateMembers(c.sync(alice, "{\"event_format\":\"federation\",\"room\":{\"timeline\":{\"limit\":1}}}", null), roomId)).contains("@alice:localhost");
    }
}
