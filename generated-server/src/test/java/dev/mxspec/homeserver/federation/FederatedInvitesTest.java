package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeLeave;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendInviteV2;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendLeaveV2;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invites and leaves across two homeservers federating over TLS on loopback, end to end through their client APIs
 * (invite, co-signed by the invited user's server; the invite in /sync; join; leave; rejection through make_leave
 * and send_leave), and hostile invites and leaves sent straight to the federation API.
 */
class FederatedInvitesTest extends TwoFederatingServers {

    private static boolean hasMembership(JsonNode timeline, String userId, String membership) {
        for (JsonNode e : timeline.path("events")) {
            if (e.path("type").asText().equals("m.room.member") && e.path("state_key").asText().equals(userId)
                    && e.path("content").path("membership").asText().equals(membership)) {
                return true;
            }
        }
        return false;
    }

    private static String membership(Homeserver server, String roomId, String userId) {
        return server.rooms().membership(roomId, userId).orElse("none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aUserOfAnotherServerIsInvitedJoinsTalksLeavesAndRejectsTheNextInvite(String backend) throws Exception {
        a = start("sqlite", "a");
        b = start(backend, "b");
        String nameB = FederationServers.name(b);
        String alice = api.register(a, "alice");
        String bob = api.register(b, "bob");
        String bobId = "@bob:" + nameB;
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"private_chat\",\"name\":\"invited across\"}")
                .path("room_id").asText();

        api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/invite", alice, "{\"user_id\":\"" + bobId + "\"}");
        String inviteId = a.storage().currentState(roomId).get(List.of("m.room.member", bobId));
        JsonNode storedInvite = ClientEvents.parse(a.storage().event(inviteId).orElseThrow().json());
        assertThat(storedInvite.path("signatures").has(nameB)).as("co-signed by the invited user's server").isTrue();
        JsonNode invited = api.syncUntil(b, bob, s -> s.path("rooms").path("invite").has(roomId));
        JsonNode inviteState = invited.path("rooms").path("invite").path(roomId).path("invite_state").path("events");
        assertThat(inviteState.toString()).contains("\"m.room.name\"", "invited across", "\"invite\"");

        JsonNode joined = api.call(b, "POST", "/join/" + ClientApi.enc(roomId), bob, "{}");
        assertThat(joined.path("room_id").asText()).isEqualTo(roomId);
        assertThat(membership(a, roomId, bobId)).isEqualTo("join");
        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/1", alice, "{\"msgtype\":\"m.text\",\"body\":\"hello from A\"}");
        api.syncUntil(b, bob, s -> s.toString().contains("hello from A"));
        api.call(b, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/1", bob, "{\"msgtype\":\"m.text\",\"body\":\"hello from B\"}");
        api.syncUntil(a, alice, s -> s.toString().contains("hello from B"));

        api.call(b, "POST", "/rooms/" + ClientApi.enc(roomId) + "/leave", bob, "{}");
        api.syncUntil(a, alice, s -> hasMembership(s.path("rooms").path("join").path(roomId).path("timeline"), bobId, "leave"));
        assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));

        String second = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"private_chat\",\"name\":\"to reject\"}").path("room_id").asText();
        api.call(a, "POST", "/rooms/" + ClientApi.enc(second) + "/invite", alice, "{\"user_id\":\"" + bobId + "\"}");
        String since = api.syncUntil(b, bob, s -> s.path("rooms").path("invite").has(second)).path("next_batch").asText();
        api.call(b, "POST", "/rooms/" + ClientApi.enc(second) + "/leave", bob, "{}");
        assertThat(membership(a, second, bobId)).isEqualTo("leave");
        assertThat(membership(b, second, bobId)).isEqualTo("leave");
        JsonNode rejected = api.call(b, "GET", "/sync?since=" + since, bob, null);
        assertThat(rejected.path("rooms").path("leave").has(second)).as(rejected.toString()).isTrue();
        assertThat(api.call(b, "GET", "/sync", bob, null).path("rooms").path("invite").has(second)).isFalse();
        api.syncUntil(a, alice, s -> hasMembership(s.path("rooms").path("join").path(second).path("timeline"), bobId, "leave"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"leave", "kick"})
    void aUserWhoLeftOrWasKickedIsInvitedAgainAndRejoinsWithTheRoomsCurrentState(String gone) throws Exception {
        a = start("sqlite", "a");
        b = start("postgresql", "b");
        String nameB = FederationServers.name(b);
        String alice = api.register(a, "alice");
        String bob = api.register(b, "bob");
        String bobId = "@bob:" + nameB;
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"private_chat\",\"name\":\"before\"}").path("room_id").asText();
        api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/invite", alice, "{\"user_id\":\"" + bobId + "\"}");
        api.call(b, "POST", "/join/" + ClientApi.enc(roomId), bob, "{}");
        if (gone.equals("leave")) {
            api.call(b, "POST", "/rooms/" + ClientApi.enc(roomId) + "/leave", bob, "{}");
        } else {
            api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/kick", alice, "{\"user_id\":\"" + bobId + "\"}");
        }
        eventually(() -> membership(a, roomId, bobId), "leave");
        eventually(() -> membership(b, roomId, bobId), "leave");
        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.name/", alice, "{\"name\":\"while away\"}");

        api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/invite", alice, "{\"user_id\":\"" + bobId + "\"}");

        assertThat(membership(b, roomId, bobId)).isEqualTo("invite");
        JsonNode invited = api.syncUntil(b, bob, s -> s.path("rooms").path("invite").has(roomId));
        assertThat(invited.path("rooms").path("invite").path(roomId).toString()).contains("\"invite\"");
        api.call(b, "POST", "/join/" + ClientApi.enc(roomId), bob, "{}");
        assertThat(membership(a, roomId, bobId)).isEqualTo("join");
        assertThat(membership(b, roomId, bobId)).isEqualTo("join");
        assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));
        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/2", alice, "{\"msgtype\":\"m.text\",\"body\":\"welcome back\"}");
        api.syncUntil(b, bob, s -> s.toString().contains("welcome back"));
    }

    @Test
    void anInviteOfAUserOfAServerThatDoesNotAnswerIsRefusedAndNotStored() throws Exception {
        a = start("sqlite", "a");
        String alice = api.register(a, "alice");
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").path("room_id").asText();
        String nobody = "@bob:localhost:" + FederationServers.freePort();

        HttpResponse<String> refused = api.raw(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/invite", alice, "{\"user_id\":\"" + nobody + "\"}");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
        assertThat(MatrixJson.mapper().readTree(refused.body()).path("errcode").asText()).isEqualTo("M_UNKNOWN");
        assertThat(membership(a, roomId, nobody)).isEqualTo("none");
    }

    /** Requests of server A (its key, its client) to server B, where bob is registered. */
    @Nested
    class Hostile {

        private String nameA;
        private String nameB;
        private RoomVersion version;
        private int rooms;

        @BeforeEach
        void servers() throws Exception {
            a = start("sqlite", "a");
            b = start("sqlite", "b");
            nameA = FederationServers.name(a);
            nameB = FederationServers.name(b);
            api.register(b, "bob");
            version = RoomVersions.of(b.rooms().rules().defaultVersion()).orElseThrow();
        }

        private String newRoomId() {
            return "!hostile" + (++rooms) + ":" + nameA;
        }

        private ObjectNode invite(String roomId, String sender, String target, SigningKey key) {
            return invite(roomId, sender, target, nameA, key);
        }

        /** An invite signed by {@code signer} with {@code key}. */
        private ObjectNode invite(String roomId, String sender, String target, String signer, SigningKey key) {
            ObjectNode pdu = MatrixJson.mapper().createObjectNode();
            pdu.put("room_id", roomId);
            pdu.put("sender", sender);
            pdu.put("type", "m.room.member");
            pdu.put("state_key", target);
            pdu.putObject("content").put("membership", "invite");
            pdu.put("origin", signer);
            pdu.put("origin_server_ts", System.currentTimeMillis());
            pdu.put("depth", 4);
            pdu.putArray("prev_events").add("$" + "p".repeat(43));
            pdu.putArray("auth_events").add("$" + "a".repeat(43));
            return EventSigning.hashAndSign(pdu, signer, key, version);
        }

        private FederationClient.Response sendInvite(ObjectNode event, String roomVersion) throws Exception {
            ObjectNode body = MatrixJson.mapper().createObjectNode();
            body.set("event", event);
            body.put("room_version", roomVersion);
            body.putArray("invite_room_state").addObject().put("type", "m.room.name").put("state_key", "").put("sender", event.path("sender")
                    .asText()).putObject("content").put("name", "hostile");
            String eventId = EventIds.of(event, version).orElseThrow();
            return a.federation().client().send(nameB, "PUT", SendInviteV2.ENDPOINT.expand(Map.of("roomId", event.path("room_id").asText(),
                    "eventId", eventId)), Optional.of(body));
        }

        private void assertRefused(FederationClient.Response r, int status, String errcode, String roomId) {
            assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
            assertThat(r.body().path("errcode").asText()).isEqualTo(errcode);
            assertThat(b.storage().room(roomId)).isEmpty();
            assertThat(b.rooms().membershipsOf("@bob:" + nameB)).isEmpty();
        }

        @Test
        void aWellFormedInviteIsCoSignedAndKept() throws Exception {
            String roomId = newRoomId();
            FederationClient.Response r = sendInvite(invite(roomId, "@alice:" + nameA, "@bob:" + nameB, FederationServers.signingKey(a)),
                    version.id());
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            assertThat(r.body().path("event").path("signatures").has(nameB)).isTrue();
            assertThat(membership(b, roomId, "@bob:" + nameB)).isEqualTo("invite");
        }

        @Test
        void anInviteOfAUserOfAnotherServerIsRefused() throws Exception {
            String roomId = newRoomId();
            assertRefused(sendInvite(invite(roomId, "@alice:" + nameA, "@bob:" + nameA, FederationServers.signingKey(a)), version.id()),
                    403, "M_FORBIDDEN", roomId);
        }

        @Test
        void anInviteOfAnUnknownLocalUserIsRefused() throws Exception {
            String roomId = newRoomId();
            assertRefused(sendInvite(invite(roomId, "@alice:" + nameA, "@nobody:" + nameB, FederationServers.signingKey(a)), version.id()),
                    404, "M_NOT_FOUND", roomId);
        }

        @Test
        void anInviteFromAUserOfAnotherServerThanTheOriginIsRefused() throws Exception {
            String roomId = newRoomId(); // signed as its sender's server would, but relayed by A
            assertRefused(sendInvite(invite(roomId, "@alice:" + nameB, "@bob:" + nameB, nameB, FederationServers.signingKey(b)), version.id()),
                    403, "M_FORBIDDEN", roomId);
        }

        @Test
        void anInviteNotSignedByTheOriginIsRefused() throws Exception {
            String roomId = newRoomId();
            assertRefused(sendInvite(invite(roomId, "@alice:" + nameA, "@bob:" + nameB, SigningKey.generate("a")), version.id()),
                    403, "M_FORBIDDEN", roomId);
        }

        @Test
        void anInviteOfAnUnsupportedRoomVersionIsRefused() throws Exception {
            String roomId = newRoomId();
            assertRefused(sendInvite(invite(roomId, "@alice:" + nameA, "@bob:" + nameB, FederationServers.signingKey(a)), "999"),
                    400, "M_INCOMPATIBLE_ROOM_VERSION", roomId);
        }

        @Test
        void aSendLeaveOfAnotherEventThanTheUsersOwnLeaveIsRefused() throws Exception {
            String alice = api.register(a, "alice");
            String bobId = "@bob:" + nameB;
            String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").path("room_id").asText();
            api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/invite", alice, "{\"user_id\":\"" + bobId + "\"}");
            FederationClient.Response made = b.federation().client().send(nameA, "GET",
                    MakeLeave.ENDPOINT.expand(Map.of("roomId", roomId, "userId", bobId)), Optional.empty());
            assertThat(made.status()).as(made.body().toString()).isEqualTo(200);
            RoomVersion v = RoomVersions.of(made.body().path("room_version").asText()).orElseThrow();
            ObjectNode join = made.body().path("event").deepCopy();
            join.withObjectProperty("content").put("membership", "join");
            ObjectNode aliceLeave = made.body().path("event").deepCopy();
            aliceLeave.put("state_key", "@alice:" + nameA);
            for (ObjectNode template : List.of(join, aliceLeave)) {
                ObjectNode signed = EventSigning.hashAndSign(template, nameB, FederationServers.signingKey(b), v);
                String eventId = EventIds.of(signed, v).orElseThrow();
                FederationClient.Response r = b.federation().client().send(nameA, "PUT",
                        SendLeaveV2.ENDPOINT.expand(Map.of("roomId", roomId, "eventId", eventId)), Optional.of(signed));
                assertThat(r.status()).as(r.body().toString()).isEqualTo(403);
                assertThat(r.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
                assertThat(a.storage().event(eventId)).isEmpty();
            }
            assertThat(membership(a, roomId, bobId)).isEqualTo("invite");
        }
    }
}
