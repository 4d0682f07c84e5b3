package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the v1.7 Client-Server modules say a server must refuse or must not do, over HTTP: account data the server
 * controls, push rules placed next to rules that do not exist, receipts with a bad {@code thread_id}, edits that are
 * no edits, spaces that contain each other, thread lists and relations the user may not read, the fully-read marker
 * in {@code /sync}, and invites from ignored users in the legacy sync.
 */
class ClientServerRefusalsTest {

    @TempDir
    Path dir;

    private JsonHttp http;
    private int txn;

    private Homeserver start(String backend) throws Exception {
        Homeserver server = TestServers.start(backend, dir, config -> config);
        http = new JsonHttp(server.port());
        return server;
    }

    private static void error(JsonHttp.Reply r, int status, String errcode) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("errcode").asText()).as(r.body().toString()).isEqualTo(errcode);
    }

    private String room(String token, String body) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/createRoom", token, body);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("room_id").asText();
    }

    private String send(String token, String roomId, String type, String content) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/send/" + type + "/t" + (++txn), token, content);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void roomAccountDataTheServerControlsIsRefusedWith405(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String roomId = room(alice, "{}");
            String event = send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"hi\"}");
            String path = "/user/" + enc("@alice:localhost") + "/rooms/" + enc(roomId) + "/account_data/";
            // read_markers: "The server MUST prevent clients from setting m.fully_read directly in room account data"
            error(http.call("PUT", path + "m.fully_read", alice, "{\"event_id\":\"" + event + "\"}"), 405, "M_BAD_JSON");
            error(http.call("PUT", path + "m.push_rules", alice, "{}"), 405, "M_BAD_JSON");
            error(http.call("GET", path + "m.fully_read", alice, null), 404, "M_NOT_FOUND");
            // and the same for global account data
            String global = "/user/" + enc("@alice:localhost") + "/account_data/";
            error(http.call("PUT", global + "m.fully_read", alice, "{\"event_id\":\"" + event + "\"}"), 405, "M_BAD_JSON");
            error(http.call("PUT", global + "m.push_rules", alice, "{\"global\":{}}"), 405, "M_BAD_JSON");
            assertThat(http.call("GET", "/pushrules/", alice, null).body().path("global").path("override").size())
                    .as("the server's rules are untouched").isPositive();
            // set through its own API, it is there
            assertThat(http.call("POST", "/rooms/" + enc(roomId) + "/read_markers", alice, "{\"m.fully_read\":\"" + event + "\"}")
                    .status()).isEqualTo(200);
            assertThat(http.call("GET", path + "m.fully_read", alice, null).body().path("event_id").asText()).isEqualTo(event);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aPushRulePlacedNextToAMissingRuleIsA400(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            // pushrules.yaml, PUT: 400 "There was a problem configuring this push rule", e.g. "before/after rule not
            // found: someRuleId" (M_UNKNOWN); 404 is for a rule that does not exist when one is updated
            error(http.call("PUT", "/pushrules/global/override/mine?before=nonesuch", alice, "{\"actions\":[],\"conditions\":[]}"),
                    400, "M_UNKNOWN");
            error(http.call("PUT", "/pushrules/global/override/mine?after=nonesuch", alice, "{\"actions\":[],\"conditions\":[]}"),
                    400, "M_UNKNOWN");
            error(http.call("GET", "/pushrules/global/override/mine", alice, null), 404, "M_NOT_FOUND");
            // placed next to a rule that is there, it is added
            assertThat(http.call("PUT", "/pushrules/global/override/first", alice, "{\"actions\":[],\"conditions\":[]}").status())
                    .isEqualTo(200);
            assertThat(http.call("PUT", "/pushrules/global/override/mine?before=first", alice, "{\"actions\":[],\"conditions\":[]}")
                    .status()).isEqualTo(200);
            assertThat(http.call("GET", "/pushrules/global/override", alice, null).body().findValuesAsText("rule_id").subList(0, 3))
                    .containsExactly(".m.rule.master", "mine", "first");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aReceiptsThreadIdMustBeANonEmptyString(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String roomId = room(alice, "{}");
            String event = send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"hi\"}");
            String receipt = "/rooms/" + enc(roomId) + "/receipt/m.read/" + enc(event);
            // receipts.yaml 400: "The thread_id is invalid in some way. For example: It is not a string. It is empty."
            for (String bad : List.of("\"\"", "5", "true", "{}", "[\"main\"]", "null")) {
                JsonHttp.Reply r = http.call("POST", receipt, alice, "{\"thread_id\":" + bad + "}");
                assertThat(r.status()).as(bad + ": " + r.body()).isEqualTo(400);
                assertThat(r.body().path("errcode").asText()).as(bad).isIn("M_INVALID_PARAM", "M_BAD_JSON");
            }
            assertThat(http.call("POST", receipt, alice, "{\"thread_id\":\"main\"}").status()).isEqualTo(200);
            assertThat(http.call("POST", receipt, alice, "{}").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void invalidReplacementsAreNotBundled(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String roomId = room(alice, "{\"preset\":\"private_chat\"}");
            String original = send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"lunch?\"}");
            String edit = "\"m.relates_to\":{\"rel_type\":\"m.replace\",\"event_id\":\"" + original + "\"}";
            // event_replacements, "Validity of replacement events": each of these is ignored
            send(alice, roomId, "org.example.other", "{\"msgtype\":\"m.text\",\"body\":\"* another type\",\"m.new_content\":"
                    + "{\"msgtype\":\"m.text\",\"body\":\"another type\"}," + edit + "}");
            send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"* no new content\"," + edit + "}");
            JsonHttp.Reply state = http.call("PUT", "/rooms/" + enc(roomId) + "/state/m.room.message/sk", alice,
                    "{\"msgtype\":\"m.text\",\"body\":\"* a state event\",\"m.new_content\":{\"msgtype\":\"m.text\",\"body\":\"state\"},"
                            + edit + "}");
            assertThat(state.status()).as(state.body().toString()).isEqualTo(200);
            JsonNode bundled = http.call("GET", "/rooms/" + enc(roomId) + "/event/" + enc(original), alice, null).body()
                    .path("unsigned").path("m.relations");
            assertThat(bundled.has("m.replace")).as(bundled.toString()).isFalse();

            // an edit of an edit is none either: the edit itself gets no m.replace bundled
            String valid = send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"* lunch at 12?\",\"m.new_content\":"
                    + "{\"msgtype\":\"m.text\",\"body\":\"lunch at 12?\"}," + edit + "}");
            send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"* lunch at 1?\",\"m.new_content\":"
                    + "{\"msgtype\":\"m.text\",\"body\":\"lunch at 1?\"},\"m.relates_to\":{\"rel_type\":\"m.replace\",\"event_id\":\""
                    + valid + "\"}}");
            JsonNode ofEdit = http.call("GET", "/rooms/" + enc(roomId) + "/event/" + enc(valid), alice, null).body()
                    .path("unsigned").path("m.relations");
            assertThat(ofEdit.has("m.replace")).as(ofEdit.toString()).isFalse();
            // and the valid edit is the one bundled with the original
            JsonNode now = http.call("GET", "/rooms/" + enc(roomId) + "/event/" + enc(original), alice, null).body()
                    .path("unsigned").path("m.relations").path("m.replace");
            assertThat(now.path("event_id").asText()).as(now.toString()).isEqualTo(valid);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void spacesThatContainEachOtherAreWalkedOnce(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String space = "{\"preset\":\"public_chat\",\"creation_content\":{\"type\":\"m.space\"}}";
            String a = room(alice, space);
            String b = room(alice, space);
            String c = room(alice, space);
            // spaces: "Though prohibited, it is still possible for loops to occur. Servers should gracefully handle these"
            for (String[] link : new String[][] {{a, b}, {b, c}, {c, a}, {b, a}}) {
                assertThat(http.call("PUT", "/rooms/" + enc(link[0]) + "/state/m.space.child/" + enc(link[1]), alice,
                        "{\"via\":[\"localhost\"]}").status()).isEqualTo(200);
            }
            for (String from : List.of(a, b, c)) {
                JsonHttp.Reply r = http.callV1("GET", "/rooms/" + enc(from) + "/hierarchy", alice);
                assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
                List<String> ids = new ArrayList<>();
                r.body().path("rooms").forEach(x -> ids.add(x.path("room_id").asText()));
                assertThat(ids).as("from " + from).hasSize(3).doesNotHaveDuplicates().containsExactlyInAnyOrder(a, b, c);
                assertThat(ids.getFirst()).isEqualTo(from);
                assertThat(r.body().has("next_batch")).isFalse();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void threadListsAndRelationsRefuseWhatTheirApisDocument(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String mallory = http.register("mallory", "mallory-password");
            String roomId = room(alice, "{\"preset\":\"private_chat\"}");
            String other = room(alice, "{\"preset\":\"private_chat\"}");
            String root = send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"root\"}");
            String elsewhere = send(alice, other, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"elsewhere\"}");
            send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"reply\",\"m.relates_to\":"
                    + "{\"rel_type\":\"m.thread\",\"event_id\":\"" + root + "\"}}");
            assertThat(http.callV1("GET", "/rooms/" + enc(roomId) + "/threads", alice).body().path("chunk")).hasSize(1);
            // threads_list.yaml: 400 M_INVALID_PARAM for a from token unknown to the server
            for (String bad : List.of("garbage", "s", "s-5", "sx", "99999999999999999999999")) {
                error(http.callV1("GET", "/rooms/" + enc(roomId) + "/threads?from=" + enc(bad), alice), 400, "M_INVALID_PARAM");
            }
            // 403 M_FORBIDDEN when the user cannot view or peek on the room, or it does not exist
            error(http.callV1("GET", "/rooms/" + enc(roomId) + "/threads", mallory), 403, "M_FORBIDDEN");
            error(http.callV1("GET", "/rooms/" + enc("!nowhere:localhost") + "/threads", alice), 403, "M_FORBIDDEN");
            // relations.yaml: 404 M_NOT_FOUND when the parent is not found or not the user's to read
            error(http.callV1("GET", "/rooms/" + enc(roomId) + "/relations/" + enc(elsewhere), alice), 404, "M_NOT_FOUND");
            error(http.callV1("GET", "/rooms/" + enc(roomId) + "/relations/" + enc("$nonesuch"), alice), 404, "M_NOT_FOUND");
            error(http.callV1("GET", "/rooms/" + enc(roomId) + "/relations/" + enc(root) + "/m.thread", mallory), 404, "M_NOT_FOUND");
            error(http.callV1("GET", "/rooms/" + enc(roomId) + "/relations/" + enc(root) + "/m.thread/m.room.message", mallory),
                    404, "M_NOT_FOUND");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aFullyReadMarkerSetThroughReadMarkersComesDownSync(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String roomId = room(alice, "{}");
            String event = send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.text\",\"body\":\"hi\"}");
            String since = http.call("GET", "/sync?timeout=0", alice, null).body().path("next_batch").asText();
            // read_markers: "Upon updating the m.fully_read event due to a request to /read_markers, the server MUST send
            // the updated account data event through to the client via the event stream (eg: /sync), provided any
            // applicable filters are also satisfied"
            assertThat(http.call("POST", "/rooms/" + enc(roomId) + "/read_markers", alice, "{\"m.fully_read\":\"" + event + "\"}")
                    .status()).isEqualTo(200);
            JsonNode data = http.call("GET", "/sync?timeout=0&since=" + enc(since), alice, null).body()
                    .path("rooms").path("join").path(roomId).path("account_data").path("events");
            List<String> contents = new ArrayList<>();
            data.forEach(e -> {
                if (e.path("type").asText().equals("m.fully_read")) {
                    contents.add(e.path("content").path("event_id").asText());
                }
            });
            assertThat(contents).as(data.toString()).containsExactly(event);
            String filtered = enc("{\"room\":{\"account_data\":{\"not_types\":[\"m.fully_read\"]}}}");
            JsonNode withFilter = http.call("GET", "/sync?timeout=0&filter=" + filtered + "&since=" + enc(since), alice, null).body()
                    .path("rooms").path("join").path(roomId).path("account_data").path("events");
            withFilter.forEach(e -> assertThat(e.path("type").asText()).isNotEqualTo("m.fully_read"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void invitesFromIgnoredUsersAreNotSentByTheLegacySyncEither(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String spammer = http.register("spammer", "spammer-password");
            assertThat(http.call("PUT", "/user/" + enc("@bob:localhost") + "/account_data/m.ignored_user_list", bob,
                    "{\"ignored_users\":{\"@spammer:localhost\":{}}}").status()).isEqualTo(200);
            String since = http.call("GET", "/sync?timeout=0", bob, null).body().path("next_batch").asText();
            // ignore_users: "Servers must not send room invites from ignored users to clients."
            String spamRoom = room(spammer, "{\"invite\":[\"@bob:localhost\"]}");
            String aliceRoom = room(alice, "{\"invite\":[\"@bob:localhost\"]}");

            List<String> invitedTo = new ArrayList<>();
            http.call("GET", "/initialSync?limit=1", bob, null).body().path("rooms").forEach(r -> {
                if (r.path("membership").asText().equals("invite")) {
                    invitedTo.add(r.path("room_id").asText());
                }
            });
            assertThat(invitedTo).containsExactly(aliceRoom);

            JsonHttp.Reply events = http.call("GET", "/events?timeout=0&from=" + enc(since), bob, null);
            assertThat(events.status()).as(events.body().toString()).isEqualTo(200);
            List<String> inviteRooms = new ArrayList<>();
            events.body().path("chunk").forEach(e -> {
                if (e.path("type").asText().equals("m.room.member") && e.path("content").path("membership").asText().equals("invite")) {
                    inviteRooms.add(e.path("room_id").asText());
                }
            });
            assertThat(inviteRooms).as(events.body().toString()).containsExactly(aliceRoom).doesNotContain(spamRoom);
        }
    }
}
