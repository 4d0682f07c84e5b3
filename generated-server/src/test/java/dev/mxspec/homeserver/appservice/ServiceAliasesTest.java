package dev.mxspec.homeserver.appservice;

import static dev.mxspec.homeserver.appservice.ServiceAccountsTest.assertError;
import static dev.mxspec.homeserver.appservice.ServiceFixture.as;
import static dev.mxspec.homeserver.appservice.ServiceFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Room aliases in application services' namespaces: a service manages those of its namespaces (and no others) without
 * the room permissions a user needs; nobody else creates or deletes one of an exclusive namespace ({@code M_EXCLUSIVE}).
 */
class ServiceAliasesTest {

    @TempDir
    Path dir;

    private static String alias(String roomId) {
        return "{\"room_id\":\"" + roomId + "\"}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void exclusiveAliasesAreTheServicesAlone(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir)) {
            String alice = fx.registerHuman("alice");
            String bob = fx.registerHuman("bob");
            String room = fx.ok("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            String dir = "/directory/room/";

            // alice, the room's creator and admin, may not take the bridge's aliases
            assertError(fx.call("PUT", dir + seg("#_bridge_x:localhost"), alice, alias(room)), 400, "M_EXCLUSIVE");
            assertError(fx.call("POST", "/createRoom", alice, "{\"room_alias_name\":\"_bridge_y\"}"), 400, "M_EXCLUSIVE");
            assertThat(fx.ok("GET", "/joined_rooms", alice, null).path("joined_rooms")).as("no room was made for it").hasSize(1);
            assertError(fx.call("PUT", dir + seg("#_bridge_x:localhost"), bob, alias(room)), 403, "M_FORBIDDEN"); // not even a member

            // the bridge may, for a room it is not in, and deletes what it made
            fx.ok("PUT", dir + seg("#_bridge_x:localhost"), fx.bridgeToken, alias(room));
            assertThat(fx.ok("GET", dir + seg("#_bridge_x:localhost"), null, null).path("room_id").asText()).isEqualTo(room);
            fx.ok("PUT", dir + seg("#_bridge_ghostmade:localhost") + "?" + as("@_bridge_bot:localhost"), fx.bridgeToken, alias(room));
            String bridged = fx.ok("POST", "/createRoom", fx.bridgeToken, "{\"room_alias_name\":\"_bridge_room\"}").path("room_id").asText();
            assertThat(fx.ok("GET", dir + seg("#_bridge_room:localhost"), null, null).path("room_id").asText()).isEqualTo(bridged);

            // alice may not delete it, though she could delete any alias of her room otherwise; bob is refused before that
            assertError(fx.call("DELETE", dir + seg("#_bridge_x:localhost"), alice, null), 400, "M_EXCLUSIVE");
            assertError(fx.call("DELETE", dir + seg("#_bridge_x:localhost"), bob, null), 403, "M_FORBIDDEN");
            assertThat(fx.ok("GET", dir + seg("#_bridge_x:localhost"), null, null).path("room_id").asText()).isEqualTo(room);
            fx.ok("DELETE", dir + seg("#_bridge_x:localhost"), fx.bridgeToken, null);
            assertError(fx.call("GET", dir + seg("#_bridge_x:localhost"), null, null), 404, "M_NOT_FOUND");

            // a service outside its alias namespaces, or in another's exclusive one
            fx.ok("PUT", dir + seg("#plain:localhost"), alice, alias(room));
            assertError(fx.call("PUT", dir + seg("#other:localhost"), fx.bridgeToken, alias(room)), 400, "M_EXCLUSIVE");
            assertError(fx.call("DELETE", dir + seg("#plain:localhost"), fx.bridgeToken, null), 400, "M_EXCLUSIVE");
            assertError(fx.call("PUT", dir + seg("#_bridge_z:localhost"), fx.loggerToken, alias(room)), 400, "M_EXCLUSIVE");
            assertError(fx.call("DELETE", dir + seg("#_bridge_room:localhost"), fx.loggerToken, null), 400, "M_EXCLUSIVE");
            assertError(fx.call("POST", "/createRoom", fx.bridgeToken, "{\"room_alias_name\":\"elsewhere\"}"), 400, "M_EXCLUSIVE");
            assertThat(fx.ok("GET", dir + seg("#plain:localhost"), null, null).path("room_id").asText()).isEqualTo(room);
            assertThat(fx.ok("GET", dir + seg("#_bridge_room:localhost"), null, null).path("room_id").asText()).isEqualTo(bridged);

            // a non-exclusive namespace: the logger and humans alike
            fx.ok("PUT", dir + seg("#log_a:localhost"), fx.loggerToken, alias(room));
            fx.ok("PUT", dir + seg("#log_b:localhost"), alice, alias(room));
            fx.ok("DELETE", dir + seg("#log_b:localhost"), fx.loggerToken, null);
            fx.ok("DELETE", dir + seg("#log_a:localhost"), alice, null);
            assertError(fx.call("GET", dir + seg("#log_a:localhost"), null, null), 404, "M_NOT_FOUND");

            // an alias that is not there, and one of another server
            assertError(fx.call("DELETE", dir + seg("#_bridge_none:localhost"), fx.bridgeToken, null), 404, "M_NOT_FOUND");
            assertThat(fx.call("PUT", dir + seg("#_bridge_x:elsewhere.example"), fx.bridgeToken, alias(room)).status()).isEqualTo(400);
        }
    }
}
