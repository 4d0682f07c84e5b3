package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.federation.FederationServers;
import dev.mxspec.homeserver.federation.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Events of other servers reach a service like this server's own: a room with a local user of its namespace gets the
 * remote members' messages pushed; a room whose only user matching its user regex is on another server gets nothing
 * pushed, as the spec's note on local users says.
 */
class AppServiceFederationTest {

    @TempDir
    Path dir;

    private Homeserver a;
    private Homeserver b;
    private TestAppService bridge;
    private int txn;

    @AfterEach
    void stop() {
        for (Homeserver s : new Homeserver[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    private static String send(JsonHttp http, String token, String roomId, String text, int n) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + enc(roomId) + "/send/m.room.message/f" + n, token,
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    /** Joins {@code token}'s user on {@code on} to a room of {@code resident}, and waits until the resident server holds the join. */
    private static void joinAcross(JsonHttp on, String token, String userId, String roomId, Homeserver resident, JsonHttp residentHttp,
            String residentToken) throws Exception {
        JsonHttp.Reply r = on.call("POST", "/join/" + enc(roomId) + "?server_name=" + enc(FederationServers.name(resident)), token, "{}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        long end = System.nanoTime() + 20_000_000_000L;
        while (!residentHttp.call("GET", "/rooms/" + enc(roomId) + "/joined_members", residentToken, null).body().path("joined").has(userId)
                && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void remoteEventsOfARoomWithALocalNamespaceUserArePushedAndRemoteNamespaceUsersCountForNothing(String backend) throws Exception {
        Path certificates = Files.createDirectories(dir.resolve("tls"));
        TestCa ca = TestCa.create("mxspec test CA");
        Path caFile = ca.writeCertificate(certificates.resolve("ca.crt"));
        Path[] tls = ca.issueServer(certificates, "server", "localhost");
        bridge = new TestAppService("hs_bridge");
        Path registration = bridge.register(dir, "bridge", "as_bridge", "bridge_bot", AppServiceTransactionsTest.NAMESPACES, "[]");
        a = Homeserver.start(FederationServers.config(backend, Files.createDirectories(dir.resolve("a")),
                FederationServers.settings(FederationServers.freePort(), tls, caFile, false, 0)).withAppServiceConfigFiles(List.of(registration.toString())));
        b = FederationServers.start("sqlite", Files.createDirectories(dir.resolve("b")),
                FederationServers.settings(FederationServers.freePort(), tls, caFile, false, 0));
        JsonHttp onA = new JsonHttp(a.port());
        JsonHttp onB = new JsonHttp(b.port());
        String alice = onA.register("alice", "alice-password");
        String carol = onA.register("_br_carol", "carol-password");
        String bob = onB.register("bob", "bob-password");
        String dave = onB.register("_br_dave", "dave-password"); // matches the bridge's user regex, on another server
        String nameA = FederationServers.name(a);
        String nameB = FederationServers.name(b);

        String withCarol = onA.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").body().path("room_id").asText();
        onA.call("POST", "/join/" + enc(withCarol), carol, "{}");
        joinAcross(onB, bob, "@bob:" + nameB, withCarol, a, onA, alice);
        String withDave = onA.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").body().path("room_id").asText();
        joinAcross(onB, dave, "@_br_dave:" + nameB, withDave, a, onA, alice);

        String fromDave = send(onB, dave, withDave, "dave, on b", ++txn);
        String fromBob = send(onB, bob, withCarol, "bob, on b", ++txn);
        long end = System.nanoTime() + 20_000_000_000L;
        while (!bridge.eventIds().contains(fromBob) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        // dave's message left b before bob's; both came to a in b's order: a marker after both settles what came of dave's
        String marker = send(onA, alice, withCarol, "marker", ++txn);
        while (!bridge.eventIds().contains(marker) && System.nanoTime() < end) {
            Thread.sleep(50);
        }

        assertThat(bridge.eventIds()).contains(fromBob, marker).doesNotContain(fromDave);
        assertThat(bridge.events()).as("nothing of the room whose only namespace user is remote")
                .noneMatch(e -> e.roomId().equals(withDave));
        assertThat(bridge.events().stream().filter(e -> e.eventId().equals(fromBob)).findFirst().orElseThrow().sender())
                .isEqualTo("@bob:" + nameB);
        assertThat(nameA).isNotEqualTo(nameB);
    }
}
