package dev.mxspec.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.api.PathCodec;
import dev.mxspec.runtime.server.RouteTable;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeTest {

    private static final Endpoint SEND = new Endpoint("sendMessage", "PUT",
            "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}", List.of("roomId", "eventType", "txnId"),
            List.of(), List.of(), true, Optional.of("accessToken"), false, Optional.empty(), Map.of(), false);

    @Test
    void pathSegmentsAreEncodedWholeAndDecodedBack() {
        String roomId = "!abc/def?x=1#y é";
        String path = SEND.expand(Map.of("roomId", roomId, "eventType", "m.room.message", "txnId", "1"));

        assertThat(path).isEqualTo("/_matrix/client/v3/rooms/%21abc%2Fdef%3Fx%3D1%23y%20%C3%A9/send/m.room.message/1");
        assertThat(PathCodec.decode("%21abc%2Fdef%3Fx%3D1%23y%20%C3%A9", false)).isEqualTo(roomId);
        assertThat(PathCodec.decode("a+b%2", true)).isEqualTo("a b%2");
        assertThat(PathCodec.decode("😀%F0%9F%98%80", false)).isEqualTo("😀😀");
    }

    @Test
    void routesMatchTemplatesAuthenticateAndAnswerErrorsAsMatrixJson() {
        RouteTable table = new RouteTable((endpoint, request) -> request.accessToken()
                .orElseThrow(() -> new MatrixException(401, "M_MISSING_TOKEN", "missing token")))
                .add(SEND, (context, path) -> ServerResponse.json(200, Map.of("room", path.get("roomId"),
                        "user", context.principal(String.class))));

        ServerResponse ok = table.handle(request("PUT", "/_matrix/client/v3/rooms/%21r%3Ax/send/m.room.message/1", "t1"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(new String(ok.body(), StandardCharsets.UTF_8)).contains("\"room\":\"!r:x\"").contains("\"user\":\"t1\"");

        assertThat(body(table.handle(request("PUT", "/_matrix/client/v3/rooms/r/send/m.room.message/1", null))))
                .isEqualTo("{\"errcode\":\"M_MISSING_TOKEN\",\"error\":\"missing token\"}");
        assertThat(table.handle(request("GET", "/_matrix/client/v3/rooms/r/send/m.room.message/1", "t")).status()).isEqualTo(405);
        assertThat(body(table.handle(request("PUT", "/_matrix/client/v3/rooms//send/m.room.message/1", "t"))))
                .contains("M_UNRECOGNIZED");
    }

    @Test
    void anEmptyStateKeyMayEndThePathWithOrWithoutItsSlash() {
        Endpoint state = new Endpoint("setRoomStateWithKey", "PUT", "/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}",
                List.of("roomId", "eventType", "stateKey"), List.of(), List.of(), true, Optional.empty(), false, Optional.empty(), Map.of(),
                false);
        RouteTable table = new RouteTable((endpoint, request) -> "anyone");
        table.add(state, (context, path) -> ServerResponse.json(200, path));

        assertThat(body(table.handle(request("PUT", "/_matrix/client/v3/rooms/r/state/m.room.topic/", null))))
                .isEqualTo("{\"roomId\":\"r\",\"eventType\":\"m.room.topic\",\"stateKey\":\"\"}");
        assertThat(body(table.handle(request("PUT", "/_matrix/client/v3/rooms/r/state/m.room.topic", null))))
                .isEqualTo("{\"roomId\":\"r\",\"eventType\":\"m.room.topic\",\"stateKey\":\"\"}");
        assertThat(body(table.handle(request("PUT", "/_matrix/client/v3/rooms/r/state//", null)))).contains("M_UNRECOGNIZED");
    }

    @Test
    void rateLimitErrorsCarryRetryAfter() {
        ServerResponse r = ServerResponse.error(MatrixException.limitExceeded(1500));

        assertThat(r.status()).isEqualTo(429);
        assertThat(r.headers()).containsEntry("Retry-After", "2");
        assertThat(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"retry_after_ms\":1500,\"errcode\":\"M_LIMIT_EXCEEDED\",\"error\":\"too many requests\"}");
    }

    private static ServerRequest request(String method, String path, String token) {
        return new ServerRequest(method, path, Map.of(), token == null ? Map.of() : Map.of("authorization", "Bearer " + token),
                new byte[0], "127.0.0.1");
    }

    private static String body(ServerResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void canonicalJsonSortsKeysByCodePointAndEscapesControlsInLowercase() {
        com.fasterxml.jackson.databind.node.ObjectNode node = dev.mxspec.runtime.json.MatrixJson.mapper().createObjectNode();
        node.put("b", "\u001f\n\\u001F");
        node.put("a", "日本語");
        node.put("\uE000", 1);
        node.put("\uD83D\uDE00", 2);

        assertThat(dev.mxspec.runtime.json.CanonicalJson.write(node))
                .isEqualTo("{\"a\":\"日本語\",\"b\":\"\\u001f\\n\\\\u001F\",\"\uE000\":1,\"\uD83D\uDE00\":2}");
    }
}
