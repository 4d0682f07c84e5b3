package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.PushSettings;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.pushgateway.NotificationDevices;
import dev.mxspec.spec.v1_7.pushgateway.NotificationPrio;
import dev.mxspec.spec.v1_7.pushgateway.NotifyRequestNotification;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pushers set through the Client-Server API and notifications delivered to a push gateway built on
 * the generated push gateway server stubs, which checks what arrives.
 */
class PushersTest {

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;
    private TestPushGateway gateway;
    private int txn;
    private String alice;
    private String bob;
    private String carol;
    private String roomId;

    /** Registers alice, bob and carol, and puts them in one room (alice's), with no messages yet. */
    private void threeInARoom() throws Exception {
        alice = http.register("alice", "alice-password");
        bob = http.register("bob", "bob-password");
        carol = http.register("carol", "carol-password");
        roomId = roomOfThree(alice, bob, carol);
    }

    private void start(String backend, boolean allowPrivate) throws Exception {
        server = TestServers.start(backend, dir, config -> config.withPush(new PushSettings(true, allowPrivate)));
        http = new JsonHttp(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private String send(String token, String roomId, String content) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/t" + (++txn), token, content);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    private String pusher(String pushkey, String extraData, boolean append) {
        return "{\"pushkey\":\"" + pushkey + "\",\"kind\":\"http\",\"app_id\":\"org.example.app\",\"app_display_name\":\"Example\","
                + "\"device_display_name\":\"Phone\",\"lang\":\"en\",\"append\":" + append + ",\"data\":{\"url\":\"" + gateway.url() + "\""
                + extraData + "}}";
    }

    private void setPusher(String token, String body) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/pushers/set", token, body);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    }

    @Test
    void aGatewayOnAnAddressNoLongerAllowedIsNotConnectedToAndItsNotificationsAreDropped() throws Exception {
        String backend = "sqlite"; // restarted on its own database file (a PostgreSQL test server gets a fresh schema)
        gateway = new TestPushGateway();
        start(backend, true);
        threeInARoom();
        setPusher(alice, pusher("alice-key", "", false));
        send(bob, enc(roomId), "{\"msgtype\":\"m.text\",\"body\":\"while private gateways are allowed\"}");
        assertThat(gateway.next(10)).as("delivered while private gateways are allowed").isNotNull();
        String aliceId = "@alice:localhost";
        long end = System.currentTimeMillis() + 20_000;
        while (server.storage().pusher("org.example.app", "alice-key", aliceId).orElseThrow().lastStreamPos() == 0
                && System.currentTimeMillis() < end) {
            Thread.sleep(50); // the delivery recorded, so that the restarted server does not send it again
        }

        // the same pusher on a server that no longer sends to private addresses
        server.close();
        server = TestServers.start(backend, dir, config -> config.withPush(new PushSettings(true, false)));
        http = new JsonHttp(server.port());
        long before = server.storage().pusher("org.example.app", "alice-key", aliceId).orElseThrow().lastStreamPos();
        send(bob, enc(roomId), "{\"msgtype\":\"m.text\",\"body\":\"now that they are not\"}");
        end = System.currentTimeMillis() + 20_000;
        while (server.storage().pusher("org.example.app", "alice-key", aliceId).orElseThrow().lastStreamPos() == before
                && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertThat(before).as("the first delivery was recorded").isPositive();
        assertThat(server.storage().pusher("org.example.app", "alice-key", aliceId).orElseThrow().lastStreamPos())
                .as("the notification was dealt with").isGreaterThan(before);
        assertThat(gateway.next(0)).as("and never reached the gateway on a loopback address").isNull();
    }

    private String roomOfThree(String alice, String bob, String carol) throws Exception {
        String roomId = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"name\":\"Lunch\"}").body().path("room_id").asText();
        http.call("POST", "/join/" + roomId, bob, "{}");
        http.call("POST", "/join/" + roomId, carol, "{}");
        http.call("PUT", "/profile/" + enc("@bob:localhost") + "/displayname", bob, "{\"displayname\":\"Bob\"}");
        return roomId;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void notificationsReachThePushGatewayWithCountsEventAndDevice(String backend) throws Exception {
        gateway = new TestPushGateway();
        start(backend, true);
        threeInARoom();
        setPusher(alice, pusher("alice-key", ",\"custom\":\"kept\"", false));

        JsonNode listed = http.call("GET", "/pushers", alice, null).body();
        assertThat(listed).isEqualTo(MatrixJson.mapper().readTree("{\"pushers\":[{\"pushkey\":\"alice-key\",\"kind\":\"http\","
                + "\"app_id\":\"org.example.app\",\"app_display_name\":\"Example\",\"device_display_name\":\"Phone\",\"lang\":\"en\","
                + "\"data\":{\"url\":\"" + gateway.url() + "\",\"custom\":\"kept\"}}]}"));
        assertThat(http.call("GET", "/pushers", bob, null).body().path("pushers")).as("bob has none").isEmpty();

        String plain = send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"lunch?\"}");
        NotifyRequestNotification first = gateway.next(10);
        assertThat(first).isNotNull();
        assertThat(first.eventId()).contains(plain);
        assertThat(first.roomId()).contains(roomId);
        assertThat(first.type()).contains("m.room.message");
        assertThat(first.sender()).contains("@bob:localhost");
        assertThat(first.senderDisplayName()).contains("Bob");
        assertThat(first.roomName()).contains("Lunch");
        assertThat(first.prio()).contains(NotificationPrio.LOW);
        assertThat(first.content().orElseThrow().path("body").asText()).isEqualTo("lunch?");
        assertThat(first.counts().orElseThrow().unread()).contains(1L);
        NotificationDevices device = first.devices().getFirst();
        assertThat(first.devices()).hasSize(1);
        assertThat(device.appId()).isEqualTo("org.example.app");
        assertThat(device.pushkey()).isEqualTo("alice-key");
        assertThat(device.data().orElseThrow()).as("the data without its url").isEqualTo(MatrixJson.mapper().readTree("{\"custom\":\"kept\"}"));
        assertThat(device.tweaks().orElseThrow()).isEqualTo(MatrixJson.mapper().readTree("{}"));

        String mention = send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"alice!\"}");
        NotifyRequestNotification second = gateway.next(10);
        assertThat(second.eventId()).contains(mention);
        assertThat(second.prio()).contains(NotificationPrio.HIGH);
        assertThat(second.counts().orElseThrow().unread()).contains(2L);
        assertThat(second.devices().getFirst().tweaks().orElseThrow())
                .isEqualTo(MatrixJson.mapper().readTree("{\"sound\":\"default\",\"highlight\":true}"));

        send(alice, roomId, "{\"msgtype\":\"m.text\",\"body\":\"coming\"}");
        http.call("POST", "/rooms/" + roomId + "/send/m.room.message/n1", bob, "{\"msgtype\":\"m.notice\",\"body\":\"bot\"}");
        // a pusher's notifications go out in order: the next one after them is the message that follows them
        String marker = send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"after those\"}");
        NotifyRequestNotification next = gateway.next(10);
        assertThat(next).isNotNull();
        assertThat(next.eventId()).as("her own message and a notice push nothing").contains(marker);
    }

    @Test
    void eventIdOnlyPushersGetNoContent() throws Exception {
        gateway = new TestPushGateway();
        start("sqlite", true);
        threeInARoom();
        setPusher(alice, pusher("alice-key", ",\"format\":\"event_id_only\"", false));
        String event = send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"secret plans\"}");
        NotifyRequestNotification n = gateway.next(10);
        assertThat(n.eventId()).contains(event);
        assertThat(n.roomId()).contains(roomId);
        assertThat(n.content()).isEmpty();
        assertThat(n.sender()).isEmpty();
        assertThat(n.senderDisplayName()).isEmpty();
        assertThat(n.roomName()).isEmpty();
        assertThat(n.type()).isEmpty();
        assertThat(n.counts().orElseThrow().unread()).contains(1L);
        assertThat(n.devices().getFirst().data().orElseThrow()).isEqualTo(MatrixJson.mapper().readTree("{\"format\":\"event_id_only\"}"));
    }

    @Test
    void aPushkeyMovesToItsNewUserUnlessAppendedAndIsRemovedWithKindNullOrWhenRejected() throws Exception {
        gateway = new TestPushGateway();
        start("sqlite", true);
        threeInARoom();

        setPusher(alice, pusher("shared-key", "", false));
        setPusher(carol, pusher("shared-key", "", false));
        assertThat(http.call("GET", "/pushers", alice, null).body().path("pushers")).as("taken over by carol").isEmpty();
        setPusher(alice, pusher("shared-key", "", true));
        assertThat(http.call("GET", "/pushers", carol, null).body().path("pushers")).as("appended: carol keeps hers").hasSize(1);
        assertThat(http.call("GET", "/pushers", alice, null).body().path("pushers")).hasSize(1);

        setPusher(carol, "{\"pushkey\":\"shared-key\",\"kind\":null,\"app_id\":\"org.example.app\"}");
        assertThat(http.call("GET", "/pushers", carol, null).body().path("pushers")).as("kind null removes").isEmpty();
        assertThat(http.call("GET", "/pushers", alice, null).body().path("pushers")).as("only carol's").hasSize(1);

        gateway.reject("shared-key");
        send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"one\"}");
        assertThat(gateway.next(10)).isNotNull();
        for (int i = 0; i < 100 && !http.call("GET", "/pushers", alice, null).body().path("pushers").isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(http.call("GET", "/pushers", alice, null).body().path("pushers")).as("a rejected pushkey loses its pusher").isEmpty();
        send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"two\"}");
        assertThat(gateway.quietFor(700)).isTrue();
    }

    @Test
    void loggingOutRemovesTheDevicesPushers() throws Exception {
        gateway = new TestPushGateway();
        start("sqlite", true);
        threeInARoom();
        String phone = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"alice\"},\"password\":\"alice-password\"}").body().path("access_token").asText();
        setPusher(phone, pusher("phone-key", "", false));
        assertThat(http.call("POST", "/logout", phone, "{}").status()).isEqualTo(200);
        assertThat(http.call("GET", "/pushers", alice, null).body().path("pushers")).isEmpty();
        send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"anyone?\"}");
        assertThat(gateway.quietFor(700)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aFailingGatewayIsRetriedWithBackoffAcrossARestartAndNothingIsSentTwice(String backend) throws Exception {
        gateway = new TestPushGateway();
        start(backend, true);
        threeInARoom();
        setPusher(alice, pusher("alice-key", "", false));

        gateway.failNext(2);
        String first = send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"one\"}");
        NotifyRequestNotification n = gateway.next(15);
        assertThat(n).as("delivered after two failures (1 s, then 2 s)").isNotNull();
        assertThat(n.eventId()).contains(first);
        assertThat(gateway.failures()).isEqualTo(2);

        gateway.failNext(1000);
        String second = send(bob, roomId, "{\"msgtype\":\"m.text\",\"body\":\"two\"}");
        for (int i = 0; i < 200 && gateway.failures() < 3; i++) {
            Thread.sleep(25);
        }
        dev.mxspec.homeserver.core.ServerConfig config = server.config();
        server.close();
        server = null;
        gateway.failNext(0);
        server = Homeserver.start(config); // the same database
        NotifyRequestNotification afterRestart = gateway.next(15);
        assertThat(afterRestart).as("the pending notification, after the restart").isNotNull();
        assertThat(afterRestart.eventId()).contains(second);
        assertThat(gateway.quietFor(1500)).as("and nothing twice").isTrue();
    }

    @Test
    void pushersThatDoNotFitAreRefused() throws Exception {
        gateway = new TestPushGateway();
        start("sqlite", false);
        String alice = http.register("alice", "alice-password");
        String base = "\"pushkey\":\"k\",\"app_id\":\"org.example.app\",\"app_display_name\":\"A\",\"device_display_name\":\"D\",\"lang\":\"en\"";
        List<String[]> refused = List.of(
                new String[] {"a private gateway (the default configuration)", "{" + base + ",\"kind\":\"http\",\"data\":{\"url\":\"" + gateway.url() + "\"}}",
                    "M_INVALID_PARAM"},
                new String[] {"another path", "{" + base + ",\"kind\":\"http\",\"data\":{\"url\":\"https://push.example.org/notify\"}}", "M_INVALID_PARAM"},
                new String[] {"another scheme", "{" + base + ",\"kind\":\"http\",\"data\":{\"url\":\"file:///_matrix/push/v1/notify\"}}", "M_INVALID_PARAM"},
                new String[] {"a query", "{" + base + ",\"kind\":\"http\",\"data\":{\"url\":\"https://push.example.org/_matrix/push/v1/notify?x=1\"}}",
                    "M_INVALID_PARAM"},
                new String[] {"user info", "{" + base + ",\"kind\":\"http\",\"data\":{\"url\":\"https://u:p@push.example.org/_matrix/push/v1/notify\"}}",
                    "M_INVALID_PARAM"},
                new String[] {"no url", "{" + base + ",\"kind\":\"http\",\"data\":{}}", "M_INVALID_PARAM"},
                new String[] {"no data", "{" + base + ",\"kind\":\"http\"}", "M_MISSING_PARAM"},
                new String[] {"an unknown kind", "{" + base + ",\"kind\":\"email\",\"data\":{}}", "M_INVALID_PARAM"},
                new String[] {"a pushkey over 512 bytes", "{" + base.replace("\"pushkey\":\"k\"", "\"pushkey\":\"" + "k".repeat(513) + "\"")
                        + ",\"kind\":\"http\",\"data\":{\"url\":\"https://push.example.org/_matrix/push/v1/notify\"}}", "M_INVALID_PARAM"},
                new String[] {"no lang", "{\"pushkey\":\"k\",\"app_id\":\"a\",\"app_display_name\":\"A\",\"device_display_name\":\"D\","
                        + "\"kind\":\"http\",\"data\":{\"url\":\"https://push.example.org/_matrix/push/v1/notify\"}}", "M_MISSING_PARAM"},
                new String[] {"data not an object", "{" + base + ",\"kind\":\"http\",\"data\":\"x\"}", "M_BAD_JSON"},
                new String[] {"null body", "null", "M_NOT_JSON"});
        for (String[] c : refused) {
            JsonHttp.Reply r = http.call("POST", "/pushers/set", alice, c[1]);
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.body().path("errcode").asText()).as(c[0]).isEqualTo(c[2]);
        }
        assertThat(http.call("GET", "/pushers", alice, null).body().path("pushers")).as("nothing stored").isEmpty();
        assertThat(http.call("POST", "/pushers/set", null, "{" + base + ",\"kind\":null}").status()).isEqualTo(401);
        assertThat(Optional.ofNullable(gateway.next(0))).isEmpty();
    }
}
