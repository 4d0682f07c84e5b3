package dev.mxspec.homeserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.spec.v1_7.clientserver.GetTokenOwnerResponse;
import dev.mxspec.spec.v1_7.clientserver.SendMessageResponse;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetTokenOwner;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SendMessage;
import dev.mxspec.spec.v1_7.clientserver.server.ClientServerRouter;
import dev.mxspec.spec.v1_7.clientserver.server.RoomSendHandler;
import dev.mxspec.spec.v1_7.clientserver.server.WhoamiHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generated v1.7 router behind Jetty, called by the generated v1.7 client over real HTTP. */
class StubsOverJettyTest {

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private ClientServerClient client;

    @BeforeEach
    void start() throws Exception {
        ClientServerRouter router = ClientServerRouter.builder((endpoint, request) -> request.accessToken()
                        .filter("secret"::equals)
                        .orElseThrow(() -> new MatrixException(401, "M_UNKNOWN_TOKEN", "unknown token")))
                .whoami((WhoamiHandler) (context, request) -> new GetTokenOwnerResponse("@alice:localhost",
                        Optional.of("DEV"), Optional.empty(), Map.of()))
                .roomSend((RoomSendHandler) (context, request) -> {
                    sent.add(request.roomId() + " " + request.eventType() + " " + request.txnId() + " " + request.body());
                    return new SendMessageResponse("$event1", Map.of());
                })
                .build();
        server = HttpServer.start("127.0.0.1", 0, router::handle, 64 * 1024);
        MatrixHttpClient http = MatrixHttpClient.create(URI.create("http://127.0.0.1:" + server.port()));
        http.accessToken("secret");
        client = new ClientServerClient(http);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aGeneratedClientTalksToTheGeneratedRouterOverHttp() {
        GetTokenOwnerResponse me = client.getTokenOwner(new GetTokenOwner.Request());
        assertThat(me.userId()).isEqualTo("@alice:localhost");
        assertThat(me.deviceId()).contains("DEV");

        JsonNode content = dev.mxspec.runtime.json.MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", "hello");
        SendMessageResponse sentEvent = client.sendMessage(new SendMessage.Request("!room/1:localhost", "m.room.message", "t 1", content));
        assertThat(sentEvent.eventId()).isEqualTo("$event1");
        assertThat(sent).containsExactly("!room/1:localhost m.room.message t 1 {\"msgtype\":\"m.text\",\"body\":\"hello\"}");
    }

    @Test
    void failuresAreMatrixErrorsOverHttp() throws Exception {
        client.http().accessToken("wrong");
        assertThatThrownBy(() -> client.getTokenOwner(new GetTokenOwner.Request()))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_UNKNOWN_TOKEN"));

        HttpClient raw = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port();
        HttpResponse<String> unknown = raw.send(HttpRequest.newBuilder(URI.create(base + "/_matrix/client/v3/nothing")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"errcode\":\"M_UNRECOGNIZED\"");

        HttpResponse<String> notJson = raw.send(HttpRequest.newBuilder(URI.create(base + "/_matrix/client/v3/rooms/!r:x/send/m.room.message/1"))
                .header("Authorization", "Bearer secret").PUT(HttpRequest.BodyPublishers.ofString("{oops")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("\"errcode\":\"M_NOT_JSON\"");

        HttpResponse<String> tooLarge = raw.send(HttpRequest.newBuilder(URI.create(base + "/_matrix/client/v3/rooms/!r:x/send/m.room.message/2"))
                .header("Authorization", "Bearer secret").PUT(HttpRequest.BodyPublishers.ofString("{\"a\":\"" + "x".repeat(70_000) + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("\"errcode\":\"M_TOO_LARGE\"");
    }
}
