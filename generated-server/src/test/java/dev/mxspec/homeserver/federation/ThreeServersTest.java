package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.main.Homeserver;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three homeservers in one room, through their client APIs only: alice of A makes the room and invites bob of B (the
 * invite crosses), carol of C joins by its alias; they talk, react, reply in a thread, type and read; bob leaves. Every
 * event reaches every server still in the room, in each user's sync, and the three servers end with one current state.
 */
class ThreeServersTest extends TwoFederatingServers {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void usersOfThreeServersShareOneRoom(String backend) throws Exception {
        a = start(backend, "a");
        b = start("sqlite", "b");
        c = start(backend, "c");
        String alice = api.register(a, "alice");
        String bob = api.register(b, "bob");
        String carol = api.register(c, "carol");
        String aliceId = "@alice:" + FederationServers.name(a);
        String bobId = "@bob:" + FederationServers.name(b);
        String carolId = "@carol:" + FederationServers.name(c);
        String room = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"name\":\"three servers\","
                + "\"room_alias_name\":\"three\"}").path("room_id").asText();
        String r = "/rooms/" + ClientApi.enc(room);

        // an invite across servers, and a join by alias through the room's server
        api.call(a, "POST", r + "/invite", alice, "{\"user_id\":\"" + bobId + "\"}");
        api.syncUntil(b, bob, s -> s.path("rooms").path("invite").has(room));
        api.call(b, "POST", "/join/" + ClientApi.enc(room), bob, "{}");
        api.call(c, "POST", "/join/" + ClientApi.enc("#three:" + FederationServers.name(a)), carol, "{}");
        for (Homeserver s : List.of(a, b, c)) {
            String token = s == a ? alice : s == b ? bob : carol;
            api.syncUntil(s, token, x -> joined(s, token, room).containsAll(List.of(aliceId, bobId, carolId)));
        }

        // a message, a reaction to it, a reply in its thread: each reaches the two other servers
        String hello = api.call(a, "PUT", r + "/send/m.room.message/1", alice, "{\"msgtype\":\"m.text\",\"body\":\"hello all\"}")
                .path("event_id").asText();
        api.syncUntil(b, bob, s -> s.toString().contains("hello all"));
        api.syncUntil(c, carol, s -> s.toString().contains("hello all"));
        String reaction = api.call(b, "PUT", r + "/send/m.reaction/1", bob,
                "{\"m.relates_to\":{\"rel_type\":\"m.annotation\",\"event_id\":\"" + hello + "\",\"key\":\"👍\"}}").path("event_id").asText();
        String reply = api.call(c, "PUT", r + "/send/m.room.message/1", carol, "{\"msgtype\":\"m.text\",\"body\":\"in the thread\","
                + "\"m.relates_to\":{\"rel_type\":\"m.thread\",\"event_id\":\"" + hello + "\"}}").path("event_id").asText();
        for (Homeserver s : List.of(a, b, c)) {
            String token = s == a ? alice : s == b ? bob : carol;
            api.syncUntil(s, token, x -> x.toString().contains(reaction) || has(s, token, room, reaction));
            api.syncUntil(s, token, x -> x.toString().contains(reply) || has(s, token, room, reply));
            JsonNode relations = api.callPrefix(s, "GET", "/_matrix/client/v1" + r + "/relations/" + ClientApi.enc(hello), token);
            assertThat(relations.path("chunk").toString()).as("relations of the message on " + FederationServers.name(s))
                    .contains(reaction).contains(reply);
            JsonNode threads = api.callPrefix(s, "GET", "/_matrix/client/v1" + r + "/threads", token);
            assertThat(threads.path("chunk").toString()).as("threads on " + FederationServers.name(s)).contains(hello);
        }

        // typing on C and a receipt on B reach the others
        api.call(c, "PUT", r + "/typing/" + ClientApi.enc(carolId), carol, "{\"typing\":true,\"timeout\":20000}");
        api.syncUntil(a, alice, s -> s.path("rooms").path("join").path(room).path("ephemeral").toString().contains(carolId));
        api.syncUntil(b, bob, s -> s.path("rooms").path("join").path(room).path("ephemeral").toString().contains(carolId));
        api.call(b, "POST", r + "/receipt/m.read/" + ClientApi.enc(reply), bob, "{}");
        api.syncUntil(a, alice, s -> ephemeralReceipt(s, room, reply, bobId));
        api.syncUntil(c, carol, s -> ephemeralReceipt(s, room, reply, bobId));

        // bob leaves: the others see it, and what is said afterwards no longer reaches him
        api.call(b, "POST", r + "/leave", bob, "{}");
        api.syncUntil(a, alice, s -> !joined(a, alice, room).contains(bobId));
        api.syncUntil(c, carol, s -> !joined(c, carol, room).contains(bobId));
        String afterLeave = api.call(c, "PUT", r + "/send/m.room.message/2", carol, "{\"msgtype\":\"m.text\",\"body\":\"after bob left\"}")
                .path("event_id").asText();
        api.syncUntil(a, alice, s -> s.toString().contains("after bob left"));
        // a to-device message from carol to bob goes to B behind whatever C queued for B before it: once bob has it,
        // the message would have reached B too if C had sent it there
        api.call(c, "PUT", "/sendToDevice/m.test/after-leave", carol, "{\"messages\":{\"" + bobId + "\":{\"*\":{\"note\":\"behind\"}}}}");
        api.syncUntil(b, bob, s -> s.path("to_device").toString().contains("behind"));
        assertThat(api.raw(b, "GET", r + "/messages?dir=b&limit=50", bob, null).body()).doesNotContain("after bob left");
        assertThat(b.storage().graphRow(afterLeave)).as("C no longer sends the room's events to B").isEmpty();

        // one current state on the servers in the room; B's view of it stops at bob's leave
        assertThat(c.storage().currentState(room)).isEqualTo(a.storage().currentState(room));
        assertThat(b.storage().currentState(room).get(List.of("m.room.member", bobId)))
                .isEqualTo(a.storage().currentState(room).get(List.of("m.room.member", bobId)));
    }

    private List<String> joined(Homeserver server, String token, String room) {
        try {
            JsonNode members = api.call(server, "GET", "/rooms/" + ClientApi.enc(room) + "/joined_members", token, null).path("joined");
            return iterable(members);
        } catch (Exception | AssertionError notYet) {
            return List.of();
        }
    }

    private static List<String> iterable(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private boolean has(Homeserver server, String token, String room, String eventId) {
        try {
            return api.raw(server, "GET", "/rooms/" + ClientApi.enc(room) + "/event/" + ClientApi.enc(eventId), token, null).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean ephemeralReceipt(JsonNode sync, String room, String eventId, String userId) {
        JsonNode ephemeral = sync.path("rooms").path("join").path(room).path("ephemeral").path("events");
        for (JsonNode e : ephemeral) {
            if (e.path("type").asText().equals("m.receipt") && e.path("content").path(eventId).path("m.read").has(userId)) {
                return true;
            }
        }
        return false;
    }
}
