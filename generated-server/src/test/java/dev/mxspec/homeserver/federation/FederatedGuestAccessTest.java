package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import org.junit.jupiter.api.Test;

/** Guests of this server leave a room when a user of another server closes its guest access, as they do for a local user. */
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
}
