package dev.mxspec.homeserver.appservice;

import static dev.mxspec.homeserver.appservice.ServiceFixture.as;
import static dev.mxspec.homeserver.appservice.ServiceFixture.seg;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.appservice.ServiceFixture.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Identity assertion: a service's {@code as_token} acts as its sender, or with {@code ?user_id=} as a registered user of
 * its namespaces, through every endpoint; anything else is refused, and a user's own token ignores {@code user_id}.
 */
class IdentityAssertionTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServiceActsAsItsSenderOrAsTheUsersOfItsNamespaces(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir)) {
            String alice = fx.registerHuman("alice");

            JsonNode sender = fx.ok("GET", "/account/whoami", fx.bridgeToken, null);
            assertThat(sender.path("user_id").asText()).isEqualTo("@_bridge_bot:localhost");
            assertThat(sender.has("device_id")).as("a service's request has no device").isFalse();
            assertThat(fx.ok("GET", "/profile/" + seg("@logger:localhost"), null, null).path("displayname").asText())
                    .as("each service's sender exists from the start").isEqualTo("logger");

            assertThat(fx.registerForService(fx.bridgeToken, "_bridge_alice").status()).isEqualTo(200);
            assertThat(fx.ok("GET", "/account/whoami?" + as("@_bridge_alice:localhost"), fx.bridgeToken, null).path("user_id").asText())
                    .isEqualTo("@_bridge_alice:localhost");
            assertThat(fx.raw("GET", ServiceFixture.CS + "/account/whoami?access_token=" + fx.bridgeToken + "&" + as("@_bridge_alice:localhost"),
                    null, null).json().path("user_id").asText()).as("the as_token as a query parameter").isEqualTo("@_bridge_alice:localhost");
            assertThat(fx.ok("GET", "/account/whoami?" + as("@_bridge_bot:localhost"), fx.bridgeToken, null).path("user_id").asText())
                    .as("the sender asserted by name").isEqualTo("@_bridge_bot:localhost");

            // the ghost acts in a room: joins alice's public room, sends, and the event is the ghost's
            String room = fx.ok("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            fx.ok("POST", "/join/" + seg(room) + "?" + as("@_bridge_alice:localhost"), fx.bridgeToken, "{}");
            String sent = fx.ok("PUT", "/rooms/" + seg(room) + "/send/m.room.message/t1?" + as("@_bridge_alice:localhost"), fx.bridgeToken,
                    "{\"msgtype\":\"m.text\",\"body\":\"from the bridge\"}").path("event_id").asText();
            JsonNode event = fx.ok("GET", "/rooms/" + seg(room) + "/event/" + seg(sent), alice, null);
            assertThat(event.path("sender").asText()).isEqualTo("@_bridge_alice:localhost");
            assertThat(fx.ok("PUT", "/rooms/" + seg(room) + "/send/m.room.message/t1?" + as("@_bridge_alice:localhost"), fx.bridgeToken,
                    "{\"msgtype\":\"m.text\",\"body\":\"from the bridge\"}").path("event_id").asText())
                    .as("a retried transaction of the service").isEqualTo(sent);
            JsonNode own = fx.ok("GET", "/rooms/" + seg(room) + "/event/" + seg(sent) + "?" + as("@_bridge_alice:localhost"), fx.bridgeToken,
                    null);
            assertThat(own.path("unsigned").path("transaction_id").asText()).as("the service sees its transaction ID").isEqualTo("t1");
            assertThat(event.path("unsigned").has("transaction_id")).as("others do not").isFalse();

            // a user's own token ignores user_id
            assertThat(fx.ok("GET", "/account/whoami?" + as("@_bridge_alice:localhost"), alice, null).path("user_id").asText())
                    .isEqualTo("@alice:localhost");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServiceCannotMasqueradeAsAnyoneElse(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir)) {
            fx.registerHuman("alice");
            assertThat(fx.registerForService(fx.bridgeToken, "_bridge_ghost").status()).isEqualTo(200);
            assertThat(fx.registerForService(fx.loggerToken, "log_ghost").status()).isEqualTo(200);

            Reply human = fx.call("GET", "/account/whoami?" + as("@alice:localhost"), fx.bridgeToken, null);
            assertThat(human.status()).as("a user outside its namespaces: " + human).isEqualTo(403);
            assertThat(human.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(human.json().path("error").asText()).contains("cannot masquerade");

            Reply unregistered = fx.call("GET", "/account/whoami?" + as("@_bridge_nobody:localhost"), fx.bridgeToken, null);
            assertThat(unregistered.status()).as("a user of its namespace it never registered: " + unregistered).isEqualTo(403);
            assertThat(unregistered.json().path("error").asText()).contains("has not registered");

            Reply remote = fx.call("GET", "/account/whoami?" + as("@_bridge_ghost:elsewhere.example"), fx.bridgeToken, null);
            assertThat(remote.status()).as("a user of another server, even one the regex takes in: " + remote).isEqualTo(403);
            assertThat(remote.errcode()).isEqualTo("M_FORBIDDEN");

            Reply otherService = fx.call("GET", "/account/whoami?" + as("@_bridge_ghost:localhost"), fx.loggerToken, null);
            assertThat(otherService.status()).as("another service's token for the bridge's user: " + otherService).isEqualTo(403);
            Reply otherSender = fx.call("GET", "/account/whoami?" + as("@_bridge_bot:localhost"), fx.loggerToken, null);
            assertThat(otherSender.status()).as("another service's sender: " + otherSender).isEqualTo(403);

            for (String junk : new String[] {"", "alice", "@", "@_bridge_ghost", "@_bridge_ghost:localhost:8448"}) {
                Reply r = fx.call("GET", "/account/whoami?" + as(junk), fx.bridgeToken, null);
                assertThat(r.status()).as("user_id=" + junk + ": " + r).isEqualTo(403);
                assertThat(r.errcode()).isEqualTo("M_FORBIDDEN");
            }

            Reply unknown = fx.call("GET", "/account/whoami?" + as("@_bridge_ghost:localhost"), fx.bridgeToken + "x", null);
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(unknown.errcode()).isEqualTo("M_UNKNOWN_TOKEN");
            // the logger's own user works with the logger's token, so the refusals above are about who, not the token
            assertThat(fx.ok("GET", "/account/whoami?" + as("@log_ghost:localhost"), fx.loggerToken, null).path("user_id").asText())
                    .isEqualTo("@log_ghost:localhost");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServiceRequestWithoutADeviceSyncsButCannotUploadDeviceKeys(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir)) {
            String alice = fx.registerHuman("alice");
            assertThat(fx.registerForService(fx.bridgeToken, "_bridge_ghost").status()).isEqualTo(200);
            String ghost = as("@_bridge_ghost:localhost");

            JsonNode sync = fx.ok("GET", "/sync?" + ghost, fx.bridgeToken, null);
            assertThat(sync.path("to_device").path("events").isEmpty()).isTrue();
            assertThat(sync.path("next_batch").asText()).isNotEmpty();

            Reply keys = fx.call("POST", "/keys/upload?" + ghost, fx.bridgeToken, "{\"one_time_keys\":{\"signed_curve25519:A\":{\"key\":\"k\",\"signatures\":{}}}}");
            assertThat(keys.status()).as(keys.toString()).isEqualTo(400);
            assertThat(keys.json().path("error").asText()).contains("no device");
            assertThat(fx.call("POST", "/keys/query?" + ghost, fx.bridgeToken, "{\"device_keys\":{\"@alice:localhost\":[]}}").status())
                    .as("queries need no device").isEqualTo(200);

            // to-device messages can be sent, and reach alice
            String since = fx.ok("GET", "/sync", alice, null).path("next_batch").asText();
            fx.ok("PUT", "/sendToDevice/m.test/tx1?" + ghost, fx.bridgeToken, "{\"messages\":{\"@alice:localhost\":{\"*\":{\"n\":1}}}}");
            JsonNode later = fx.ok("GET", "/sync?timeout=5000&since=" + since, alice, null);
            assertThat(later.path("to_device").path("events").get(0).path("sender").asText()).isEqualTo("@_bridge_ghost:localhost");

            assertThat(fx.call("POST", "/logout?" + ghost, fx.bridgeToken, "{}").status()).as("logging out ends nothing").isEqualTo(200);
            assertThat(fx.ok("GET", "/account/whoami?" + ghost, fx.bridgeToken, null).path("user_id").asText())
                    .isEqualTo("@_bridge_ghost:localhost");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServiceMayGiveItsEventsTheirTimestamp(String backend) throws Exception {
        try (ServiceFixture fx = ServiceFixture.start(backend, dir)) {
            String alice = fx.registerHuman("alice");
            String room = fx.ok("POST", "/createRoom", fx.bridgeToken, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            fx.ok("POST", "/join/" + seg(room), alice, "{}");
            String path = "/rooms/" + seg(room);

            String sent = fx.ok("PUT", path + "/send/m.room.message/ts1?ts=1234567890123", fx.bridgeToken,
                    "{\"msgtype\":\"m.text\",\"body\":\"bridged late\"}").path("event_id").asText();
            assertThat(fx.ok("GET", path + "/event/" + seg(sent), alice, null).path("origin_server_ts").asLong()).isEqualTo(1234567890123L);
            String state = fx.ok("PUT", path + "/state/m.bridge.test/k?ts=42", fx.bridgeToken, "{\"x\":1}").path("event_id").asText();
            assertThat(fx.ok("GET", path + "/event/" + seg(state), alice, null).path("origin_server_ts").asLong()).isEqualTo(42L);

            for (String bad : new String[] {"-1", "soon", "1.5", "9007199254740992", ""}) {
                Reply r = fx.call("PUT", path + "/send/m.room.message/bad?ts=" + bad, fx.bridgeToken, "{\"msgtype\":\"m.text\",\"body\":\"x\"}");
                assertThat(r.status()).as("ts=" + bad + ": " + r).isEqualTo(400);
                assertThat(r.errcode()).isEqualTo("M_INVALID_PARAM");
            }
            String human = fx.ok("PUT", path + "/send/m.room.message/h1?ts=42", alice, "{\"msgtype\":\"m.text\",\"body\":\"now\"}")
                    .path("event_id").asText();
            assertThat(fx.ok("GET", path + "/event/" + seg(human), alice, null).path("origin_server_ts").asLong())
                    .as("a user's ts is ignored").isGreaterThan(1_000_000_000_000L);
        }
    }
}
