package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two homeservers federating over TLS on loopback, end to end through their client APIs: a user of one joins a room
 * of the other (make_join, send_join), and messages cross both ways in transactions, reaching the other users' syncs.
 */
class FederatedRoomTest {

    @TempDir
    static Path certificates;

    static Path caFile;
    static Path[] serverTls;

    @TempDir
    Path dir;

    private Homeserver a;
    private Homeserver b;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void makeCertificates() throws Exception {
        TestCa ca = TestCa.create("mxspec test CA");
        caFile = ca.writeCertificate(certificates.resolve("ca.crt"));
        serverTls = ca.issueServer(certificates, "server", "localhost");
    }

    @AfterEach
    void stop() {
        for (Homeserver s : new Homeserver[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private Homeserver start(String backend, String name) throws Exception {
        return FederationServers.start(backend, Files.createDirectories(dir.resolve(name)),
                FederationServers.settings(FederationServers.freePort(), serverTls, caFile, false, 0));
    }

    private JsonNode call(Homeserver server, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_matrix/client/v3" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = MatrixJson.mapper().readTree(response.body());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return json;
    }

    private String register(Homeserver server, String name) throws Exception {
        return call(server, "POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"" + name
                + "-password\",\"auth\":{\"type\":\"m.login.dummy\"}}").path("access_token").asText();
    }

    private int status(Homeserver server, String method, String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_matrix/client/v3" + path))
                .method(method, HttpRequest.BodyPublishers.ofString("{}"));
        r.header("Authorization", "Bearer " + token);
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Syncs until {@code seen} holds, for up to 20 s (transactions go out in the background). */
    private JsonNode syncUntil(Homeserver server, String token, Predicate<JsonNode> seen) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < end) {
            last = call(server, "GET", "/sync?timeout=1000", token, null);
            if (seen.test(last)) {
                return last;
            }
        }
        throw new AssertionError("not seen within 20 s; last sync: " + last);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aUserJoinsARoomOfAnotherServerAndTheyTalk(String backend) throws Exception {
        a = start("sqlite", "a");
        b = start(backend, "b");
        String nameA = FederationServers.name(a);
        String nameB = FederationServers.name(b);
        String alice = register(a, "alice");
        String bob = register(b, "bob");
        String roomId = call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"name\":\"two servers\","
                + "\"room_alias_name\":\"meeting\"}").path("room_id").asText();
        String alias = "#meeting:" + nameA;
        JsonNode lookedUp = call(b, "GET", "/directory/room/" + enc(alias), bob, null);
        assertThat(lookedUp.path("room_id").asText()).isEqualTo(roomId);
        assertThat(lookedUp.path("servers").toString()).contains(nameA);

        JsonNode joined = call(b, "POST", "/join/" + enc(alias), bob, "{}");
        assertThat(joined.path("room_id").asText()).isEqualTo(roomId);
        JsonNode bobsView = syncUntil(b, bob, s -> s.path("rooms").path("join").has(roomId));
        assertThat(bobsView.path("rooms").path("join").path(roomId).toString()).contains("two servers");
        assertThat(call(a, "GET", "/rooms/" + enc(roomId) + "/joined_members", alice, null).path("joined").has("@bob:" + nameB)).isTrue();

        call(a, "PUT", "/rooms/" + enc(roomId) + "/send/m.room.message/1", alice, "{\"msgtype\":\"m.text\",\"body\":\"hello from A\"}");
        syncUntil(b, bob, s -> s.toString().contains("hello from A"));
        String fromB = call(b, "PUT", "/rooms/" + enc(roomId) + "/send/m.room.message/1", bob,
                "{\"msgtype\":\"m.text\",\"body\":\"hello from B\"}").path("event_id").asText();
        syncUntil(a, alice, s -> s.toString().contains("hello from B"));

        // typing and receipts cross too
        call(a, "PUT", "/rooms/" + enc(roomId) + "/typing/" + enc("@alice:" + nameA), alice, "{\"typing\":true,\"timeout\":20000}");
        syncUntil(b, bob, s -> s.path("rooms").path("join").path(roomId).path("ephemeral").toString().contains("@alice:" + nameA));
        call(a, "POST", "/rooms/" + enc(roomId) + "/receipt/m.read/" + enc(fromB), alice, "{}");
        syncUntil(b, bob, s -> s.path("rooms").path("join").path(roomId).path("ephemeral").toString().contains("m.receipt")
                && s.toString().contains(fromB));
        assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));

        // an alias the other server does not have, and a room it does not hold: 404, nothing made here
        assertThat(status(b, "GET", "/directory/room/" + enc("#nothing:" + nameA), bob)).isEqualTo(404);
        assertThat(status(b, "POST", "/join/" + enc("!nothing:" + nameA), bob)).isEqualTo(404);
        assertThat(b.storage().room("!nothing:" + nameA)).isEmpty();
    }
}
