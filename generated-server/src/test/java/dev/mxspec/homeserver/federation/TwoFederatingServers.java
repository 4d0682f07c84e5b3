package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of two homeservers {@code a} and {@code b} federating over TLS on loopback, with certificates of one test CA
 * (made once per class), each in a folder of its own, and {@code c}, a third, where a test needs one; all are closed
 * after each test.
 */
abstract class TwoFederatingServers {

    @TempDir
    static Path certificates;

    static Path caFile;
    static Path[] serverTls;

    @TempDir
    Path dir;

    Homeserver a;
    Homeserver b;
    Homeserver c;
    final ClientApi api = new ClientApi();

    @BeforeAll
    static void makeCertificates() throws Exception {
        TestCa ca = TestCa.create("mxspec test CA");
        caFile = ca.writeCertificate(certificates.resolve("ca.crt"));
        serverTls = ca.issueServer(certificates, "server", "localhost");
    }

    @AfterEach
    void stop() {
        for (Homeserver s : new Homeserver[] {a, b, c}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /**
     * A public room {@code aliceToken}'s user on {@code a} creates and {@code bobToken}'s user on {@code b} joins; its
     * ID, once b's user sees it in a sync and a holds the join.
     */
    String sharedRoom(String aliceToken, String bobToken) throws Exception {
        String roomId = api.call(a, "POST", "/createRoom", aliceToken, "{\"preset\":\"public_chat\"}").path("room_id").asText();
        api.call(b, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(FederationServers.name(a)), bobToken, "{}");
        api.syncUntil(b, bobToken, s -> s.path("rooms").path("join").has(roomId));
        String bob = api.call(b, "GET", "/account/whoami", bobToken, null).path("user_id").asText();
        api.syncUntil(a, aliceToken, s -> s.path("rooms").path("join").path(roomId).toString().contains(bob));
        return roomId;
    }

    /** Waits up to 20 s for {@code value} to be {@code expected} (what another server sends arrives in the background). */
    static void eventually(java.util.function.Supplier<String> value, String expected) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        while (!value.get().equals(expected) && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        org.assertj.core.api.Assertions.assertThat(value.get()).isEqualTo(expected);
    }

    /** Set by {@link #aliceOnAAndBobOnB}: the servers' names, alice's and bob's access tokens and IDs. */
    String nameA;
    String nameB;
    String alice;
    String bob;
    String aliceId;
    String bobId;

    /** Starts {@code a} (SQLite) and {@code b} (on {@code backend}), and registers alice on a and bob on b. */
    void aliceOnAAndBobOnB(String backend) throws Exception {
        a = start("sqlite", "a");
        b = start(backend, "b");
        nameA = FederationServers.name(a);
        nameB = FederationServers.name(b);
        alice = api.register(a, "alice");
        bob = api.register(b, "bob");
        aliceId = "@alice:" + nameA;
        bobId = "@bob:" + nameB;
    }

    /** A server with federation on a free port, named {@code localhost:<port>}, in the folder {@code name}. */
    Homeserver start(String backend, String name) throws Exception {
        return Homeserver.start(config(backend, name));
    }

    /** A request to {@code to}'s federation listener signed by {@code from} (X-Matrix), answered as it is. */
    static FederationClient.Response signed(Homeserver from, Homeserver to, String method, String uri, JsonNode body) throws Exception {
        return from.federation().client().send(FederationServers.name(to), method, uri, Optional.ofNullable(body));
    }

    /** A request to {@code to}'s federation listener without any authentication. */
    static HttpResponse<String> unsigned(Homeserver to, String method, String uri, String body) throws Exception {
        HttpClient http = FederationTls.outbound(FederationServers.settings(1, serverTls, caFile, false, 0)).http("localhost");
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + to.federation().port().orElseThrow() + uri))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The configuration {@link #start} uses, for a test that restarts a server on it. */
    ServerConfig config(String backend, String name) throws Exception {
        return FederationServers.config(backend, Files.createDirectories(dir.resolve(name)),
                FederationServers.settings(FederationServers.freePort(), serverTls, caFile, false, 0));
    }
}
