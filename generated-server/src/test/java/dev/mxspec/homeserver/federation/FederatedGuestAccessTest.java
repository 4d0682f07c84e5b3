package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guests of server {@code a} in rooms of server {@code b}: they join where the room's guest access is {@code can_join}
 * (by room ID after an invite, by alias, through {@code server_name}), are refused 403 elsewhere and are then in the
 * room on neither server, and leave when a user of the other server closes guest access.
 */
class FederatedGuestAccessTest extends TwoFederatingServers {

    @Override
    ServerConfig config(String backend, String name) throws Exception {
        return super.config(backend, name).withGuestAccess(true);
    }

    private static String membership(Homeserver server, String roomId, String userId) {
        return server.rooms().membership(roomId, userId).orElse("none");
    }

    private static void until(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
    }

    /** Starts the servers ({@link #aliceOnAAndBobOnB}) and registers a guest of {@code a}: its user ID and access token. */
    private String[] guestOnA(String backend) throws Exception {
        aliceOnAAndBobOnB(backend);
        JsonNode guest = api.call(a, "POST", "/register?kind=guest", null, "{}");
        return new String[] {guest.path("user_id").asText(), guest.path("access_token").asText()};
    }

    /** A room bob creates on {@code b} with {@code preset} and, unless null, {@code m.room.guest_access} of that content. */
    private String roomOnB(String preset, String guestAccessContent, String extra) throws Exception {
        String initial = guestAccessContent == null ? "" : ",\"initial_state\":[{\"type\":\"m.room.guest_access\",\"state_key\":\"\","
                + "\"content\":" + guestAccessContent + "}]";
        return api.call(b, "POST", "/createRoom", bob, "{\"preset\":\"" + preset + "\"" + initial + extra + "}").path("room_id").asText();
    }

    /**
     * Starts the servers, and a guest of a whom bob invites to a private room of b with that guest access: the guest's
     * user ID, access token, and the room's ID.
     */
    private String[] invitedGuest(String backend, String guestAccess) throws Exception {
        String[] guest = guestOnA(backend);
        String roomId = roomOnB("private_chat", "{\"guest_access\":\"" + guestAccess + "\"}", "");
        api.call(b, "POST", "/rooms/" + ClientApi.enc(roomId) + "/invite", bob, "{\"user_id\":\"" + guest[0] + "\"}");
        assertThat(membership(a, roomId, guest[0])).isEqualTo("invite");
        return new String[] {guest[0], guest[1], roomId};
    }

    /** The guest's membership in the room as bob reads it from b's member list ("none" when it holds none). */
    private String memberOnB(String roomId, String guestId) throws Exception {
        for (JsonNode e : api.call(b, "GET", "/rooms/" + ClientApi.enc(roomId) + "/members", bob, null).path("chunk")) {
            if (e.path("state_key").asText().equals(guestId)) {
                return e.path("content").path("membership").asText();
            }
        }
        return "none";
    }

    private static void forbidden(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(ClientApi.json(r).path("errcode").asText()).isEqualTo("M_FORBIDDEN");
    }

    /** After a refused join: the guest is in the room on neither server, and a does not hold the room. */
    private void inNeither(String roomId, String guestId, String expectedOnB) throws Exception {
        eventually(() -> {
            try {
                return memberOnB(roomId, guestId);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, expectedOnB);
        assertThat(membership(b, roomId, guestId)).isEqualTo(expectedOnB);
        assertThat(membership(a, roomId, guestId)).isIn("leave", "none");
        assertThat(a.rooms().holds(roomId)).as("the room is not adopted").isFalse();
        JsonNode joined = api.call(b, "GET", "/rooms/" + ClientApi.enc(roomId) + "/joined_members", bob, null).path("joined");
        assertThat(joined.has(guestId)).isFalse();
    }

    @Test
    void aGuestLeavesWhenAUserOfAnotherServerClosesGuestAccess() throws Exception {
        aliceOnAAndBobOnB("sqlite");
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
                + "\"m.room.guest_access\",\"state_key\":\"\",\"content\":{\"guest_access\":\"can_join\"}}],"
                + "\"power_level_content_override\":{\"users\":{\"" + aliceId + "\":100,\"" + bobId + "\":100}}}").path("room_id").asText();
        api.call(b, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameA), bob, "{}");
        var guest = api.call(a, "POST", "/register?kind=guest", null, "{}");
        String guestId = guest.path("user_id").asText();
        api.call(a, "POST", "/join/" + ClientApi.enc(roomId), guest.path("access_token").asText(), "{}");
        until(() -> membership(b, roomId, guestId).equals("join"));
        assertThat(membership(a, roomId, guestId)).isEqualTo("join");
        assertThat(membership(b, roomId, guestId)).isEqualTo("join");

        api.call(b, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.guest_access/", bob, "{\"guest_access\":\"forbidden\"}");

        until(() -> membership(a, roomId, guestId).equals("leave") && membership(b, roomId, guestId).equals("leave"));
        assertThat(membership(a, roomId, guestId)).as("the guest left on his server").isEqualTo("leave");
        assertThat(membership(b, roomId, guestId)).as("and the other server saw him leave").isEqualTo("leave");
        assertThat(membership(a, roomId, aliceId)).as("members stay").isEqualTo("join");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aGuestAcceptsAnInviteToAPrivateRoomOfAnotherServerThenSendsAndSyncs(String backend) throws Exception {
        String[] guest = invitedGuest(backend, "can_join");
        String roomId = guest[2];

        HttpResponse<String> joined = api.raw(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/join", guest[1], "{}");
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
        assertThat(membership(a, roomId, guest[0])).isEqualTo("join");
        assertThat(membership(b, roomId, guest[0])).isEqualTo("join");

        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/g1", guest[1], "{\"msgtype\":\"m.text\",\"body\":\"hi from a guest\"}");
        api.syncUntil(b, bob, s -> s.path("rooms").path("join").path(roomId).path("timeline").toString().contains("hi from a guest"));
        api.call(b, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/b1", bob, "{\"msgtype\":\"m.text\",\"body\":\"hi guest\"}");
        JsonNode sync = api.syncUntil(a, guest[1], s -> s.path("rooms").path("join").path(roomId).path("timeline").toString().contains("hi guest"));
        assertThat(sync.path("rooms").path("invite").has(roomId)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aGuestIsRefusedAnInvitedRoomOfAnotherServerWhoseGuestAccessIsForbiddenAndIsInItOnNeitherServer(String backend) throws Exception {
        String[] guest = invitedGuest(backend, "forbidden");
        String roomId = guest[2];

        forbidden(api.raw(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/join", guest[1], "{}"));
        inNeither(roomId, guest[0], "leave");
        assertThat(membership(a, roomId, guest[0])).as("the invite is over").isEqualTo("leave");
        JsonNode sync = api.call(a, "GET", "/sync?timeout=0", guest[1], null);
        assertThat(sync.path("rooms").path("join").has(roomId)).isFalse();
        assertThat(sync.path("rooms").path("invite").has(roomId)).isFalse();

        // again, as a client retries: the invite is spent, the room's server refuses the join, and he is still in neither
        HttpResponse<String> again = api.raw(a, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameB), guest[1], "{}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(404);
        inNeither(roomId, guest[0], "leave");
        // a full user of a is let in by the same room once invited: the refusal is for guests only
        api.call(b, "POST", "/rooms/" + ClientApi.enc(roomId) + "/invite", bob, "{\"user_id\":\"" + aliceId + "\"}");
        api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/join", alice, "{}");
        assertThat(membership(b, roomId, aliceId)).isEqualTo("join");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aGuestJoinsARoomOfAnotherServerByAliasOrServerNameOnlyWhereGuestAccessIsCanJoin(String backend) throws Exception {
        String[] guest = guestOnA(backend);
        String open = roomOnB("public_chat", "{\"guest_access\":\"can_join\"}", ",\"room_alias_name\":\"open\"");
        String closed = roomOnB("public_chat", null, ",\"room_alias_name\":\"closed\"");
        String nulled = roomOnB("public_chat", "{\"guest_access\":null}", "");
        String otherKey = roomOnB("public_chat", "{\"guest_access\":\"forbidden\"}", "");
        api.call(b, "PUT", "/rooms/" + ClientApi.enc(otherKey) + "/state/m.room.guest_access/elsewhere", bob, "{\"guest_access\":\"can_join\"}");

        forbidden(api.raw(a, "POST", "/join/" + ClientApi.enc("#closed:" + nameB), guest[1], "{}"));
        inNeither(closed, guest[0], "leave");
        forbidden(api.raw(a, "POST", "/join/" + ClientApi.enc(nulled) + "?server_name=" + ClientApi.enc(nameB), guest[1], "{}"));
        inNeither(nulled, guest[0], "leave");
        forbidden(api.raw(a, "POST", "/join/" + ClientApi.enc(otherKey) + "?server_name=" + ClientApi.enc(nameB), guest[1], "{}"));
        inNeither(otherKey, guest[0], "leave");

        HttpResponse<String> byAlias = api.raw(a, "POST", "/join/" + ClientApi.enc("#open:" + nameB), guest[1], "{}");
        assertThat(byAlias.statusCode()).as(byAlias.body()).isEqualTo(200);
        assertThat(ClientApi.json(byAlias).path("room_id").asText()).isEqualTo(open);
        assertThat(membership(b, open, guest[0])).isEqualTo("join");

        String second = roomOnB("public_chat", "{\"guest_access\":\"can_join\"}", "");
        HttpResponse<String> through = api.raw(a, "POST", "/join/" + ClientApi.enc(second) + "?server_name=" + ClientApi.enc(nameB), guest[1], "{}");
        assertThat(through.statusCode()).as(through.body()).isEqualTo(200);
        assertThat(membership(b, second, guest[0])).isEqualTo("join");
        api.call(a, "PUT", "/rooms/" + ClientApi.enc(second) + "/send/m.room.message/g1", guest[1], "{\"msgtype\":\"m.text\",\"body\":\"through\"}");
        api.syncUntil(b, bob, s -> s.path("rooms").path("join").path(second).path("timeline").toString().contains("through"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aGuestLeavesARoomOfAnotherServerWhenThatServerClosesGuestAccess(String backend) throws Exception {
        String[] guest = guestOnA(backend);
        String roomId = roomOnB("public_chat", "{\"guest_access\":\"can_join\"}", "");
        api.call(a, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameB), guest[1], "{}");
        api.call(a, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameB), alice, "{}");
        assertThat(membership(b, roomId, guest[0])).isEqualTo("join");

        api.call(b, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.guest_access/", bob, "{\"guest_access\":\"forbidden\"}");

        until(() -> membership(a, roomId, guest[0]).equals("leave") && membership(b, roomId, guest[0]).equals("leave"));
        assertThat(membership(a, roomId, guest[0])).as("the guest left on his server").isEqualTo("leave");
        assertThat(membership(b, roomId, guest[0])).as("and the room's server saw him leave").isEqualTo("leave");
        assertThat(membership(b, roomId, aliceId)).as("members stay").isEqualTo("join");
        forbidden(api.raw(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/join", guest[1], "{}"));
    }
}
