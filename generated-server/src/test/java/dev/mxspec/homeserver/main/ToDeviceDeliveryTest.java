package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.storage.Records.ToDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * To-device messages in {@code /sync}: kept until the device acknowledges them (a sync from a position after them),
 * so that a sync repeated from an earlier position still gets them; then deleted from storage; deleted with their
 * device; and at most one sync's worth at a time, the rest with the next syncs.
 */
class ToDeviceDeliveryTest {

    private static final String BOB = "@bob:localhost";

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;
    private int txn;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ServerConfig config(String backend) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(dev.mxspec.homeserver.storage.Backends.postgresSchemaUrl())
                : Optional.empty();
        return new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg, true, 0, -1);
    }

    private void start(ServerConfig config) throws Exception {
        server = Homeserver.start(config);
        http = new JsonHttp(server.port());
    }

    private String login(String user, String device) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\""
                + user + "\"},\"password\":\"" + user + "-password\",\"device_id\":\"" + device + "\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("access_token").asText();
    }

    private void send(String token, String device, int n) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/sendToDevice/m.test/t" + (txn++), token, "{\"messages\":{\"" + BOB + "\":{\"" + device
                + "\":{\"n\":" + n + "}}}}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    }

    private JsonNode sync(String token, String since) throws Exception {
        JsonHttp.Reply r = http.call("GET", "/sync?timeout=0" + (since == null ? "" : "&since=" + since), token, null);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body();
    }

    private static List<Integer> numbers(JsonNode sync) {
        List<Integer> out = new ArrayList<>();
        sync.path("to_device").path("events").forEach(e -> out.add(e.path("content").path("n").asInt()));
        return out;
    }

    private List<Integer> stored(String device) {
        List<Integer> out = new ArrayList<>();
        for (ToDevice t : server.storage().toDeviceSince(BOB, device, 0, 1000)) {
            out.add(Integer.parseInt(t.content().replaceAll("[^0-9]", "")));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void messagesStayUntilASyncAcknowledgesThemThenAreDeleted(String backend) throws Exception {
        start(config(backend));
        String alice = http.register("alice", "alice-password");
        http.register("bob", "bob-password");
        String bob = login("bob", "BOBPHONE");
        String s0 = sync(bob, null).path("next_batch").asText();

        send(alice, "BOBPHONE", 1);
        send(alice, "BOBPHONE", 2);
        assertThat(stored("BOBPHONE")).containsExactly(1, 2);
        JsonNode first = sync(bob, s0);
        assertThat(numbers(first)).containsExactly(1, 2);
        assertThat(first.path("to_device").path("events").get(0).path("sender").asText()).isEqualTo("@alice:localhost");
        String s1 = first.path("next_batch").asText();
        assertThat(stored("BOBPHONE")).as("delivered, not yet acknowledged").containsExactly(1, 2);
        // the answer was lost: the client asks again from where it was, and gets them again
        assertThat(numbers(sync(bob, s0))).containsExactly(1, 2);
        assertThat(stored("BOBPHONE")).containsExactly(1, 2);

        send(alice, "BOBPHONE", 3);
        JsonNode second = sync(bob, s1);
        assertThat(numbers(second)).as("only what came after").containsExactly(3);
        assertThat(stored("BOBPHONE")).as("the sync from s1 acknowledged 1 and 2").containsExactly(3);
        String s2 = second.path("next_batch").asText();
        JsonNode third = sync(bob, s2);
        assertThat(numbers(third)).isEmpty();
        assertThat(stored("BOBPHONE")).as("acknowledged with nothing new to deliver").isEmpty();
        assertThat(numbers(sync(bob, s0))).as("an acknowledged message is gone, even for an old position").isEmpty();

        // acknowledged after a restart (nothing in memory about what was delivered)
        send(alice, "BOBPHONE", 4);
        String s3 = sync(bob, third.path("next_batch").asText()).path("next_batch").asText();
        assertThat(stored("BOBPHONE")).containsExactly(4);
        ServerConfig config = server.config();
        server.close();
        server = null;
        start(config);
        assertThat(stored("BOBPHONE")).containsExactly(4);
        assertThat(numbers(sync(bob, s3))).isEmpty();
        assertThat(stored("BOBPHONE")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void messagesForSomethingThatIsNoUserIdAreRefusedWholeAndSendNothing(String backend) throws Exception {
        start(config(backend));
        String alice = http.register("alice", "alice-password");
        http.register("bob", "bob-password");
        login("bob", "BOBPHONE");
        for (String notAUser : List.of("bob", "@bob", "@bob:", "!room:localhost", "@bob:bad server", "@bob:localhost/path", "@bob:[::1")) {
            JsonHttp.Reply r = http.call("PUT", "/sendToDevice/m.test/bad", alice, "{\"messages\":{\"" + BOB + "\":{\"BOBPHONE\":{\"n\":1}},\""
                    + notAUser + "\":{\"*\":{\"n\":2}}}}");
            assertThat(r.status()).as(notAUser + ": " + r.body()).isEqualTo(400);
            assertThat(r.body().path("errcode").asText()).as(notAUser).isEqualTo("M_INVALID_PARAM");
        }
        assertThat(stored("BOBPHONE")).as("nothing of a refused request, not even its well-addressed part").isEmpty();
        JsonHttp.Reply again = http.call("PUT", "/sendToDevice/m.test/bad", alice, "{\"messages\":{\"" + BOB + "\":{\"BOBPHONE\":{\"n\":3}}}}");
        assertThat(again.status()).as("the refused requests did not use the transaction ID up").isEqualTo(200);
        assertThat(stored("BOBPHONE")).containsExactly(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDeviceDeletedTakesItsMessagesAndNoneAreKeptForADeviceThatIsNotThere(String backend) throws Exception {
        start(config(backend));
        String alice = http.register("alice", "alice-password");
        http.register("bob", "bob-password");
        String bob = login("bob", "BOBPHONE");
        login("bob", "BOBTABLET");
        send(alice, "BOBTABLET", 1);
        send(alice, "BOBPHONE", 2);
        send(alice, "NOSUCHDEVICE", 3);
        assertThat(stored("BOBTABLET")).containsExactly(1);
        assertThat(stored("NOSUCHDEVICE")).isEmpty();

        JsonHttp.Reply deleted = http.call("DELETE", "/devices/BOBTABLET", bob, "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":"
                + "{\"type\":\"m.id.user\",\"user\":\"bob\"},\"password\":\"bob-password\"}}");
        assertThat(deleted.status()).as(deleted.body().toString()).isEqualTo(200);
        assertThat(stored("BOBTABLET")).isEmpty();
        assertThat(stored("BOBPHONE")).as("the other device's stay").containsExactly(2);
        assertThat(numbers(sync(bob, null))).containsExactly(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void moreMessagesThanOneSyncDeliversComeWithTheNextSyncsInOrder(String backend) throws Exception {
        start(config(backend));
        String alice = http.register("alice", "alice-password");
        http.register("bob", "bob-password");
        String bob = login("bob", "BOBPHONE");
        String since = sync(bob, null).path("next_batch").asText();
        for (int n = 0; n < 130; n++) {
            send(alice, "BOBPHONE", n);
        }

        List<Integer> received = new ArrayList<>();
        JsonNode first = sync(bob, since);
        assertThat(numbers(first)).hasSize(100);
        received.addAll(numbers(first));
        JsonNode second = sync(bob, first.path("next_batch").asText());
        received.addAll(numbers(second));
        assertThat(received).isEqualTo(IntStream.range(0, 130).boxed().toList());
        assertThat(stored("BOBPHONE")).as("the first 100, acknowledged by the second sync").isEqualTo(IntStream.range(100, 130).boxed().toList());
        assertThat(numbers(sync(bob, second.path("next_batch").asText()))).isEmpty();
        assertThat(stored("BOBPHONE")).isEmpty();
    }
}
