package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may do what in a room, tried by the wrong user, in the wrong room, with malformed IDs:
 * redactions, kicks and bans, aliases and the canonical alias, and state writes.
 */
class RoomAccessTest {

    @TempDir
    Path dir;

    private JsonHttp http;

    private Homeserver start(String backend) throws Exception {
        Homeserver server = TestServers.start(backend, dir, config -> config);
        http = new JsonHttp(server.port());
        return server;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String room(String token, String body) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/createRoom", token, body);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("room_id").asText();
    }

    private String send(String token, String roomId, String text, String txn) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/" + txn, token,
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    private JsonHttp.Reply event(String token, String roomId, String eventId) throws Exception {
        return http.call("GET", "/rooms/" + roomId + "/event/" + enc(eventId), token, null);
    }

    private List<String> joined(String token, String roomId) throws Exception {
        List<String> users = new ArrayList<>();
        http.call("GET", "/rooms/" + roomId + "/joined_members", token, null).body().path("joined").fieldNames().forEachRemaining(users::add);
        return users;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void redactionsNeedTheSenderOrTheRedactLevelAndTheRightRoom(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String mallory = http.register("mallory", "mallory-password");
            String roomId = room(alice, "{\"preset\":\"public_chat\"}");
            String other = room(alice, "{\"preset\":\"public_chat\"}");
            http.call("POST", "/join/" + roomId, bob, "{}");
            String aliceMessage = send(alice, roomId, "hello", "t1");
            String bobMessage = send(bob, roomId, "mine", "t2");
            String otherMessage = send(alice, other, "elsewhere", "t3");

            // bob at power 0 (redact is 50) redacts alice's message: refused, nothing stored
            JsonHttp.Reply refused = http.call("PUT", "/rooms/" + roomId + "/redact/" + enc(aliceMessage) + "/r1", bob, "{}");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
            assertThat(event(alice, roomId, aliceMessage).body().path("content").path("body").asText()).isEqualTo("hello");
            // a non-member cannot redact either
            assertThat(http.call("PUT", "/rooms/" + roomId + "/redact/" + enc(bobMessage) + "/r2", mallory, "{}").status()).isEqualTo(403);
            // an event of another room through this room's path
            JsonHttp.Reply wrongRoom = http.call("PUT", "/rooms/" + roomId + "/redact/" + enc(otherMessage) + "/r3", alice, "{}");
            assertThat(wrongRoom.status()).isEqualTo(400);
            assertThat(event(alice, other, otherMessage).body().path("content").path("body").asText()).isEqualTo("elsewhere");
            // a malformed event ID
            assertThat(http.call("PUT", "/rooms/" + roomId + "/redact/notanevent/r4", alice, "{}").body().path("errcode").asText())
                    .isEqualTo("M_INVALID_PARAM");

            // bob redacts his own message; the client's transaction ID comes back as given
            JsonHttp.Reply own = http.call("PUT", "/rooms/" + roomId + "/redact/" + enc(bobMessage) + "/txR1", bob, "{\"reason\":\"typo\"}");
            assertThat(own.status()).isEqualTo(200);
            JsonHttp.Reply replayed = http.call("PUT", "/rooms/" + roomId + "/redact/" + enc(bobMessage) + "/txR1", bob, "{\"reason\":\"typo\"}");
            assertThat(replayed.body().path("event_id").asText()).as("a replayed redaction makes no new event")
                    .isEqualTo(own.body().path("event_id").asText());
            JsonNode redaction = event(bob, roomId, own.body().path("event_id").asText()).body();
            assertThat(redaction.path("unsigned").path("transaction_id").asText()).isEqualTo("txR1");
            assertThat(event(alice, roomId, bobMessage).body().path("content").isEmpty()).isTrue();
            // alice, at power 100, may redact bob's messages
            String second = send(bob, roomId, "again", "t5");
            assertThat(http.call("PUT", "/rooms/" + roomId + "/redact/" + enc(second) + "/r5", alice, "{}").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void kicksAndBansNeedAMemberAValidUserAndSomeoneToKick(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String mallory = http.register("mallory", "mallory-password");
            String roomId = room(alice, "{\"preset\":\"public_chat\"}");
            http.call("POST", "/join/" + roomId, bob, "{}");
            String malloryRoom = room(mallory, "{}");

            // mallory is not in the room (she even has power 100 in a room of her own)
            JsonHttp.Reply kick = http.call("POST", "/rooms/" + roomId + "/kick", mallory, "{\"user_id\":\"@bob:localhost\"}");
            assertThat(kick.status()).isEqualTo(403);
            assertThat(joined(alice, roomId)).containsExactlyInAnyOrder("@alice:localhost", "@bob:localhost");
            assertThat(http.call("POST", "/rooms/" + roomId + "/ban", mallory, "{\"user_id\":\"@bob:localhost\"}").status()).isEqualTo(403);
            assertThat(malloryRoom).isNotEqualTo(roomId);

            // invalid user IDs are refused before anything is written
            for (String bad : List.of("12345", "notauser", "@bob", "@:localhost", "@bo\\u0000b:localhost", "@bob:local host")) {
                for (String action : List.of("kick", "ban", "unban", "invite")) {
                    JsonHttp.Reply r = http.call("POST", "/rooms/" + roomId + "/" + action, alice, "{\"user_id\":\"" + bad + "\"}");
                    assertThat(r.status()).as(action + " " + bad).isEqualTo(400);
                    assertThat(r.body().path("errcode").asText()).as(action + " " + bad).isEqualTo("M_INVALID_PARAM");
                }
            }
            JsonNode members = http.call("GET", "/rooms/" + roomId + "/members", alice, null).body().path("chunk");
            assertThat(members.size()).isEqualTo(2);

            // bob leaves: kicking him now is refused
            http.call("POST", "/rooms/" + roomId + "/leave", bob, "{}");
            assertThat(http.call("POST", "/rooms/" + roomId + "/kick", alice, "{\"user_id\":\"@bob:localhost\"}").status()).isEqualTo(403);
            // unbanning someone who is not banned too
            assertThat(http.call("POST", "/rooms/" + roomId + "/unban", alice, "{\"user_id\":\"@bob:localhost\"}").status()).isEqualTo(403);
            // a real ban works, and a banned user is not kicked again
            assertThat(http.call("POST", "/rooms/" + roomId + "/ban", alice, "{\"user_id\":\"@bob:localhost\"}").status()).isEqualTo(200);
            assertThat(http.call("POST", "/join/" + roomId, bob, "{}").status()).isEqualTo(403);
            assertThat(http.call("POST", "/rooms/" + roomId + "/kick", alice, "{\"user_id\":\"@bob:localhost\"}").status()).isEqualTo(403);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aliasesAreDeletedOnlyByTheirCreatorTheRoomsModeratorsOrAdmins(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String mallory = http.register("mallory", "mallory-password");
            String roomId = room(alice, "{\"preset\":\"public_chat\",\"room_alias_name\":\"lobby\"}");
            String alias = enc("#lobby:localhost");
            String malloryRoom = room(mallory, "{}");

            // mallory, not in the room, cannot delete the alias and so cannot point it at her room
            JsonHttp.Reply delete = http.call("DELETE", "/directory/room/" + alias, mallory, null);
            assertThat(delete.status()).isEqualTo(403);
            assertThat(http.call("PUT", "/directory/room/" + alias, mallory, "{\"room_id\":\"" + malloryRoom + "\"}").status())
                    .isEqualTo(409);
            assertThat(http.call("GET", "/directory/room/" + alias, null, null).body().path("room_id").asText()).isEqualTo(roomId);
            // bob joins at power 0: still not allowed
            http.call("POST", "/join/" + roomId, bob, "{}");
            assertThat(http.call("DELETE", "/directory/room/" + alias, bob, null).status()).isEqualTo(403);

            // bob's own alias for the room: he may delete it
            String bobAlias = enc("#bobs:localhost");
            assertThat(http.call("PUT", "/directory/room/" + bobAlias, bob, "{\"room_id\":\"" + roomId + "\"}").status()).isEqualTo(200);
            assertThat(http.call("DELETE", "/directory/room/" + bobAlias, bob, null).status()).isEqualTo(200);
            assertThat(http.call("GET", "/directory/room/" + bobAlias, null, null).status()).isEqualTo(404);
            // malformed aliases
            assertThat(http.call("PUT", "/directory/room/" + enc("lobby"), bob, "{\"room_id\":\"" + roomId + "\"}").body()
                    .path("errcode").asText()).isEqualTo("M_INVALID_PARAM");

            // alice (power 100) deletes the canonical alias: the room's canonical alias event no longer names it
            assertThat(http.call("GET", "/rooms/" + roomId + "/state/m.room.canonical_alias", alice, null).body().path("alias").asText())
                    .isEqualTo("#lobby:localhost");
            assertThat(http.call("DELETE", "/directory/room/" + alias, alice, null).status()).isEqualTo(200);
            assertThat(http.call("GET", "/rooms/" + roomId + "/state/m.room.canonical_alias", alice, null).body().has("alias")).isFalse();
            // now mallory may take the free alias for her own room
            assertThat(http.call("PUT", "/directory/room/" + alias, mallory, "{\"room_id\":\"" + malloryRoom + "\"}").status())
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theCanonicalAliasMustPointToTheRoom(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String roomId = room(alice, "{\"room_alias_name\":\"home\"}");
            room(alice, "{\"room_alias_name\":\"away\"}");
            String path = "/rooms/" + roomId + "/state/m.room.canonical_alias";
            JsonHttp.Reply other = http.call("PUT", path, alice, "{\"alias\":\"#away:localhost\"}");
            assertThat(other.status()).isEqualTo(400);
            assertThat(other.body().path("errcode").asText()).isEqualTo("M_BAD_ALIAS");
            assertThat(http.call("PUT", path, alice, "{\"alias\":\"#nowhere:localhost\"}").body().path("errcode").asText())
                    .isEqualTo("M_BAD_ALIAS");
            assertThat(http.call("PUT", path, alice, "{\"alias\":\"#home:localhost\",\"alt_aliases\":[\"#away:localhost\"]}").body()
                    .path("errcode").asText()).isEqualTo("M_BAD_ALIAS");
            assertThat(http.call("PUT", path, alice, "{\"alias\":\"not an alias\"}").body().path("errcode").asText())
                    .isEqualTo("M_INVALID_PARAM");
            assertThat(http.call("GET", path, alice, null).body().path("alias").asText()).isEqualTo("#home:localhost");
            assertThat(http.call("PUT", path, alice, "{\"alias\":\"#home:localhost\",\"alt_aliases\":[]}").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void ownMemberStateSetsARoomProfileAndRepeatsMakeNoEvents(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String roomId = room(alice, "{\"preset\":\"public_chat\"}");
            JsonNode first = http.call("POST", "/join/" + roomId, bob, "{}").body();
            assertThat(first.path("room_id").asText()).isEqualTo(roomId);
            String member = "/rooms/" + roomId + "/state/m.room.member/" + enc("@bob:localhost");
            String joinEvent = http.call("GET", member + "?format=event", bob, null).body().path("event_id").asText();
            http.call("POST", "/join/" + roomId, bob, "{}");
            assertThat(http.call("GET", member + "?format=event", bob, null).body().path("event_id").asText()).as("joining twice")
                    .isEqualTo(joinEvent);

            // joining with custom content keeps it (and the server's own fields stay the server's)
            String carol = http.register("carol", "carol-password");
            http.call("POST", "/join/" + roomId, carol, "{\"x.role\":\"guest\",\"membership\":\"ban\"}");
            JsonNode carolMember = http.call("GET", "/rooms/" + roomId + "/state/m.room.member/" + enc("@carol:localhost"), alice, null)
                    .body();
            assertThat(carolMember.path("x.role").asText()).isEqualTo("guest");
            assertThat(carolMember.path("membership").asText()).isEqualTo("join");

            // a per-room display name with custom content
            JsonHttp.Reply set = http.call("PUT", member, bob, "{\"membership\":\"join\",\"displayname\":\"Bobby\",\"x.custom\":1}");
            assertThat(set.status()).as(set.body().toString()).isEqualTo(200);
            JsonNode content = http.call("GET", member, alice, null).body();
            assertThat(content.path("displayname").asText()).isEqualTo("Bobby");
            assertThat(content.path("x.custom").asInt()).isEqualTo(1);
            JsonNode whole = http.call("GET", member + "?format=event", alice, null).body();
            assertThat(whole.path("type").asText()).isEqualTo("m.room.member");
            assertThat(whole.path("content").path("displayname").asText()).isEqualTo("Bobby");
            // bob cannot write alice's member event, nor an invalid membership
            assertThat(http.call("PUT", "/rooms/" + roomId + "/state/m.room.member/" + enc("@alice:localhost"), bob,
                    "{\"membership\":\"join\",\"displayname\":\"fake\"}").status()).isEqualTo(403);
            assertThat(http.call("PUT", member, bob, "{\"membership\":\"owner\"}").status()).isEqualTo(400);

            // the same topic twice: one event
            String topic = "/rooms/" + roomId + "/state/m.room.topic";
            String t1 = http.call("PUT", topic, alice, "{\"topic\":\"tea\"}").body().path("event_id").asText();
            String t2 = http.call("PUT", topic, alice, "{\"topic\":\"tea\"}").body().path("event_id").asText();
            assertThat(t2).isEqualTo(t1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void profileChangesReachEveryJoinedRoom(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String one = room(alice, "{\"preset\":\"public_chat\"}");
            String two = room(alice, "{\"preset\":\"public_chat\"}");
            String notJoined = room(bob, "{\"preset\":\"public_chat\"}");
            http.call("POST", "/join/" + one, bob, "{}");
            http.call("POST", "/join/" + two, bob, "{}");
            String since = http.call("GET", "/sync", alice, null).body().path("next_batch").asText();
            assertThat(http.call("PUT", "/profile/" + enc("@alice:localhost") + "/displayname", alice, "{\"displayname\":\"Alice A.\"}")
                    .status()).isEqualTo(200);
            assertThat(http.call("PUT", "/profile/" + enc("@alice:localhost") + "/avatar_url", alice, "{\"avatar_url\":\"mxc://localhost/a\"}")
                    .status()).isEqualTo(200);
            for (String roomId : List.of(one, two)) {
                JsonNode members = http.call("GET", "/rooms/" + roomId + "/joined_members", bob, null).body().path("joined");
                assertThat(members.path("@alice:localhost").path("display_name").asText()).isEqualTo("Alice A.");
                assertThat(members.path("@alice:localhost").path("avatar_url").asText()).isEqualTo("mxc://localhost/a");
            }
            assertThat(http.call("GET", "/rooms/" + notJoined + "/state/m.room.member/" + enc("@alice:localhost"), bob, null).status())
                    .isEqualTo(404);
            // the change arrives in an incremental sync as a member event
            JsonNode timeline = http.call("GET", "/sync?since=" + since, alice, null).body().path("rooms").path("join").path(one)
                    .path("timeline").path("events");
            assertThat(timeline.findValuesAsText("displayname")).contains("Alice A.");
            // bob cannot change alice's profile
            assertThat(http.call("PUT", "/profile/" + enc("@alice:localhost") + "/displayname", bob, "{\"displayname\":\"x\"}").status())
                    .isEqualTo(403);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void smallAnswersClientsExpect(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            JsonNode capabilities = http.call("GET", "/capabilities", alice, null).body().path("capabilities");
            assertThat(capabilities.path("m.get_login_token").path("enabled").asBoolean()).isTrue();
            JsonHttp.Reply threepids = http.call("GET", "/account/3pid", alice, null);
            assertThat(threepids.status()).isEqualTo(200);
            assertThat(threepids.body().path("threepids").isArray()).isTrue();
            assertThat(threepids.body().path("threepids").isEmpty()).isTrue();
            assertThat(http.call("GET", "/account/3pid", null, null).status()).isEqualTo(401);
            assertThat(capabilities.path("m.3pid_changes").path("enabled").asBoolean()).isTrue();
            JsonHttp.Reply add = http.call("POST", "/account/3pid/add", alice, "{\"client_secret\":\"s\",\"sid\":\"1\"}");
            assertThat(add.status()).as("the password stage first").isEqualTo(401);
            assertThat(add.body().path("flows").get(0).path("stages").get(0).asText()).isEqualTo("m.login.password");
        }
    }
}
