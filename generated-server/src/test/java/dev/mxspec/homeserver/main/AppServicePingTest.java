package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.api.AppServicePingHandlers;
import dev.mxspec.homeserver.appservice.AppServiceClient;
import dev.mxspec.homeserver.appservice.Registration;
import dev.mxspec.homeserver.appservice.RegistrationFiles;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.spec.v1_7.clientserver.PingAppserviceRequest;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PingAppservice;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /_matrix/client/v1/appservice/{appserviceId}/ping} (v1.7): a service pings itself through the homeserver
 * with its {@code as_token}, and gets {@code duration_ms} or the error the spec lists for what went wrong; users and
 * other services are refused, bodies that are no ping request are refused before the service is called.
 */
class AppServicePingTest {

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;
    private TestAppService bridge;
    private TestAppService other;
    private TestAppService misconfigured;
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        for (TestAppService s : new TestAppService[] {bridge, other, misconfigured}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private void start(String backend) throws Exception {
        bridge = new TestAppService("hs_bridge");
        other = new TestAppService("hs_other");
        misconfigured = new TestAppService("hs_misconfigured");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        List<String> files = List.of(
                bridge.register(dir, "bridge", "as_bridge", "bridge_bot", AppServiceTransactionsTest.NAMESPACES, "[]").toString(),
                other.register(dir, "other", "as_other", "other_bot", "users: []", "[]").toString(),
                misconfigured.register(dir, "misconfigured", "as_misconfigured", "mis_bot", "users: []", "[]", "a_wrong_hs_token").toString(),
                TestAppService.registration(dir, "gone", "\"http://127.0.0.1:" + closedPort + "\"", "as_gone", "hs_gone", "gone_bot", "users: []",
                        "[]").toString(),
                TestAppService.registration(dir, "nourl", "null", "as_nourl", "hs_nourl", "nourl_bot", "users: []", "[]").toString());
        server = TestServers.start(backend, dir, c -> c.withAppServiceConfigFiles(files));
        http = new JsonHttp(server.port());
    }

    /** A ping request as a service (or anyone) sends it. */
    private JsonHttp.Reply ping(String id, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_matrix/client/v1/appservice/"
                + RoomAccessTest.enc(id) + "/ping")).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new JsonHttp.Reply(r.statusCode(), MatrixJson.mapper().readTree(r.body()));
    }

    private static void error(JsonHttp.Reply r, int status, String errcode) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("errcode").asText()).as(r.body().toString()).isEqualTo(errcode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServicePingsItselfAndLearnsWhatWentWrong(String backend) throws Exception {
        start(backend);

        JsonHttp.Reply ok = ping("bridge", "as_bridge", "{\"transaction_id\":\"meow\"}");
        assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
        assertThat(ok.body().path("duration_ms").isIntegralNumber()).isTrue();
        assertThat(ok.body().path("duration_ms").asLong()).isBetween(0L, 10_000L);
        assertThat(ping("bridge", "as_bridge", "{}").status()).isEqualTo(200);
        assertThat(bridge.pings).containsExactly(Optional.of("meow"), Optional.empty());
        assertThat(bridge.seen()).allSatisfy(s -> {
            assertThat(s.tokenRight()).isTrue();
            assertThat(s.tokenInQuery()).isFalse();
        });

        bridge.pingStatus = 401;
        JsonHttp.Reply bad = ping("bridge", "as_bridge", "{}");
        error(bad, 502, "M_BAD_STATUS");
        assertThat(bad.body().path("status").asInt()).isEqualTo(401);
        assertThat(MatrixJson.mapper().readTree(bad.body().path("body").asText()).path("errcode").asText()).isEqualTo("M_UNKNOWN_TOKEN");

        JsonHttp.Reply wrongToken = ping("misconfigured", "as_misconfigured", "{\"transaction_id\":\"meow\"}");
        error(wrongToken, 502, "M_BAD_STATUS");
        assertThat(wrongToken.body().path("status").asInt()).as("the service refuses the wrong hs_token").isEqualTo(403);
        assertThat(MatrixJson.mapper().readTree(wrongToken.body().path("body").asText()).path("errcode").asText()).isEqualTo("M_FORBIDDEN");
        assertThat(misconfigured.pings).as("refused before its handler").isEmpty();

        error(ping("gone", "as_gone", "{}"), 502, "M_CONNECTION_FAILED");
        error(ping("nourl", "as_nourl", "{}"), 400, "M_URL_NOT_SET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void onlyAServiceMayPingAndOnlyItself(String backend) throws Exception {
        start(backend);
        String alice = http.register("alice", "alice-password");

        error(ping("bridge", alice, "{}"), 403, "M_FORBIDDEN");
        error(ping("other", "as_bridge", "{}"), 403, "M_FORBIDDEN");
        error(ping("nonexistent", "as_bridge", "{}"), 403, "M_FORBIDDEN");
        error(ping("bridge", "as_other", "{}"), 403, "M_FORBIDDEN");
        error(ping("bridge", null, "{}"), 401, "M_MISSING_TOKEN");
        error(ping("bridge", "hs_bridge", "{}"), 401, "M_UNKNOWN_TOKEN"); // the hs_token is the homeserver's, not a way in
        error(ping("bridge", "as_bridge", "null"), 400, "M_NOT_JSON");
        error(ping("bridge", "as_bridge", "[]"), 400, "M_NOT_JSON");
        error(ping("bridge", "as_bridge", "{\"transaction_id\":5}"), 400, "M_BAD_JSON");
        error(ping("bridge", "as_bridge", "{\"transaction_id\":"), 400, "M_NOT_JSON");
        assertThat(bridge.pings).isEmpty();
        assertThat(other.pings).isEmpty();
    }

    @Test
    void aServiceThatAnswersAPingGetsItsWaitingTransactionsAtOnce() throws Exception {
        start("sqlite");
        String carol = http.register("_br_carol", "carol-password");
        String roomId = http.call("POST", "/createRoom", carol, "{}").body().path("room_id").asText();
        bridge.down();
        String waiting = http.call("PUT", "/rooms/" + RoomAccessTest.enc(roomId) + "/send/m.room.message/t1", carol,
                "{\"msgtype\":\"m.text\",\"body\":\"waiting\"}").body().path("event_id").asText();
        bridge.awaitFailures(4, 20); // 1 s, 2 s and 4 s of backoff: the next try is 8 s away
        assertThat(bridge.failures()).isEqualTo(4);
        bridge.up();

        long start = System.nanoTime();
        assertThat(ping("bridge", "as_bridge", "{}").status()).isEqualTo(200);
        List<String> got = bridge.awaitEvents(1, 10);
        while (!got.contains(waiting) && System.nanoTime() - start < 10_000_000_000L) {
            Thread.sleep(20);
            got = bridge.eventIds();
        }
        assertThat(got).contains(waiting);
        assertThat((System.nanoTime() - start) / 1_000_000).as("well before the backoff was over").isLessThan(5_000);
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIs504() throws Exception {
        bridge = new TestAppService("hs_bridge");
        bridge.pingDelayMs = 2_000;
        Registration registration = RegistrationFiles.read(
                bridge.register(dir, "bridge", "as_bridge", "bridge_bot", "users: []", "[]"), "localhost");
        AppServiceClient slowClient = AppServiceClient.of(registration, AppServiceClient.httpClient(),
                new AppServiceClient.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(300))).orElseThrow();
        List<String> up = new ArrayList<>();
        AppServicePingHandlers handlers = new AppServicePingHandlers(Map.of("bridge", slowClient), up::add);
        RequestContext context = new RequestContext(new ServerRequest("POST", "/", Map.of(), Map.of(), new byte[0], "127.0.0.1"),
                Optional.of("as_bridge"), Optional.of(dev.mxspec.homeserver.core.Caller.ofAppService(registration.senderUserId(), "bridge",
                        "hash", false)));

        assertThatThrownBy(() -> handlers.pingAppservice(context, new PingAppservice.Request("bridge",
                new PingAppserviceRequest(Optional.of("slow"), Map.<String, JsonNode>of()))))
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(504);
                    assertThat(e.errcode()).isEqualTo("M_CONNECTION_TIMEOUT");
                });
        assertThat(up).isEmpty();
    }
}
