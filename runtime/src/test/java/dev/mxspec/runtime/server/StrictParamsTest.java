package dev.mxspec.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a router makes of request values that do not fit: bodies (read strictly, checked against
 * their shape), query and path parameters (numbers, booleans, enums, identifiers), each refused with
 * the Matrix error for its kind, and never a 500.
 */
class StrictParamsTest {

    /** Shaped like a generated record: optional fields, a raw JSON field, unknown fields kept. */
    record Body(@JsonProperty("name") Optional<String> name, @JsonProperty("count") Optional<Long> count,
            @JsonProperty("flag") Optional<Boolean> flag, @JsonProperty("tags") Optional<List<String>> tags,
            @JsonProperty("content") Optional<JsonNode> content, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> rest) {
        Body {
            name = MatrixJson.optional(name);
            count = MatrixJson.optional(count);
            flag = MatrixJson.optional(flag);
            tags = MatrixJson.optional(tags);
            content = MatrixJson.optional(content);
            rest = rest == null ? Map.of() : Map.copyOf(rest);
        }
    }

    /** Shaped like a generated open enum. */
    record Kind(@JsonValue String value) {
        static final Kind OVERRIDE = new Kind("override");
        static final Kind CONTENT = new Kind("content");

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Kind of(String value) {
            return new Kind(value);
        }

        public static List<Kind> known() {
            return List.of(OVERRIDE, CONTENT);
        }
    }

    private static final JsonShape SHAPE = JsonShape.object("name", JsonShape.optional(JsonShape.STRING), "count",
            JsonShape.optional(JsonShape.INTEGER), "flag", JsonShape.optional(JsonShape.BOOLEAN), "tags",
            JsonShape.optional(JsonShape.arrayOf(JsonShape.STRING)), "content", JsonShape.optional(JsonShape.ANY));

    private static ServerRequest request(String body) {
        return request("/x", Map.of(), body);
    }

    private static ServerRequest request(String path, Map<String, List<String>> query, String body) {
        return new ServerRequest("POST", path, query, Map.of(), body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    }

    private static MatrixException refusal(Runnable call) {
        try {
            call.run();
        } catch (MatrixException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    private static String errcodeOfBody(String body, boolean shaped) {
        return refusal(() -> {
            if (shaped) {
                Params.body(request(body), MatrixJson.mapper().constructType(Body.class), true, SHAPE);
            } else {
                Params.body(request(body), Body.class, true);
            }
        }).errcode();
    }

    @Test
    void bodiesThatAreNotJsonObjectsAreNotJson() {
        for (String body : new String[] {"", "null", "[]", "\"x\"", "7", "true", "{", "{} trailing", "{\"a\":1,\"a\":2}", "\u0000"}) {
            assertThat(errcodeOfBody(body, true)).as(body).isEqualTo("M_NOT_JSON");
        }
    }

    @Test
    void fieldsOfTheWrongTypeAreBadJsonWithOrWithoutAShape() {
        for (boolean shaped : new boolean[] {true, false}) {
            for (String body : new String[] {"{\"name\":7}", "{\"name\":true}", "{\"name\":{}}", "{\"count\":\"5\"}", "{\"count\":5.5}",
                    "{\"count\":true}", "{\"flag\":\"true\"}", "{\"flag\":1}", "{\"tags\":\"a\"}", "{\"tags\":[1]}",
                    "{\"count\":99999999999999999999}"}) {
                assertThat(errcodeOfBody(body, shaped)).as(body + (shaped ? " with a shape" : " read strictly")).isEqualTo("M_BAD_JSON");
            }
        }
        assertThat(errcodeOfBody("{\"name\":null}", true)).as("null where the spec does not allow it").isEqualTo("M_BAD_JSON");
    }

    @Test
    void fittingBodiesAreReadWithRawJsonAndUnknownFieldsKept() {
        Body body = Params.body(request("{\"name\":\"n\",\"count\":30000,\"flag\":false,\"tags\":[\"a\"],\"content\":[1,\"x\",null],"
                + "\"x-extra\":{\"k\":[true]}}"), MatrixJson.mapper().constructType(Body.class), true, SHAPE);

        assertThat(body).isEqualTo(new Body(Optional.of("n"), Optional.of(30000L), Optional.of(false), Optional.of(List.of("a")),
                Optional.of(((com.fasterxml.jackson.databind.node.ArrayNode) MatrixJson.tree(List.of(1, "x"))).addNull()),
                Map.of("x-extra", MatrixJson.tree(Map.of("k", List.of(true))))));
        assertThat(Params.<Body>body(request(""), MatrixJson.mapper().constructType(Body.class), false, SHAPE)).isNull();
    }

    @Test
    void queryValuesMustHaveTheirType() {
        Map<String, List<String>> query = Map.of("limit", List.of("abc"), "big", List.of("99999999999999999999"), "float", List.of("1.5"),
                "plus", List.of("+5"), "arabic", List.of("٣"), "flag", List.of("yes"), "kind", List.of("nonsense"), "ok", List.of("-12"));
        ServerRequest r = request("/x", query, "");
        for (String name : new String[] {"limit", "big", "float", "plus", "arabic"}) {
            assertThat(refusal(() -> Params.query(r, name, Long.class)).errcode()).as(name).isEqualTo("M_INVALID_PARAM");
        }
        assertThat(refusal(() -> Params.query(r, "flag", Boolean.class)).errcode()).isEqualTo("M_INVALID_PARAM");
        assertThat(refusal(() -> Params.query(r, "kind", Kind.class)).error())
                .isEqualTo("parameter 'kind': unknown value 'nonsense'; expected one of [Kind[value=override], Kind[value=content]]");
        assertThat(Params.query(r, "ok", Long.class)).contains(-12L);
        assertThat(Params.query(r, "missing", Long.class)).isEmpty();
    }

    @Test
    void pathEnumsTakeOnlyTheirKnownValues() {
        assertThat(Params.path(Map.of("kind", "content"), "kind", Kind.class)).isEqualTo(Kind.CONTENT);
        MatrixException e = refusal(() -> Params.path(Map.of("kind", "nonsense"), "kind", Kind.class));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.errcode()).isEqualTo("M_INVALID_PARAM");
    }

    @Test
    void routesAnswerEveryRefusalAsMatrixErrorJsonBeforeTheHandlerRuns() {
        Endpoint redact = new Endpoint("redactEvent", "PUT", "/_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}",
                List.of("roomId", "eventId", "txnId"), List.of(), List.of(), true, Optional.of("accessToken"), false, Optional.empty(),
                Map.of(), false);
        int[] ran = {0};
        RouteTable table = new RouteTable((endpoint, request) -> "user").add(redact, (context, path) -> {
            String room = Params.path(path, "roomId");
            String event = Params.path(path, "eventId");
            Params.path(path, "txnId");
            Params.body(context.request(), MatrixJson.mapper().constructType(Body.class), true, SHAPE);
            ran[0]++;
            return ServerResponse.json(200, new java.util.TreeMap<>(Map.of("room", room, "event", event)));
        });

        assertThat(answer(table, "/rooms/%21r%3Ax/redact/%24a%2Fb%2Bc/1", "{}")).isEqualTo("200 {\"event\":\"$a/b+c\",\"room\":\"!r:x\"}");
        assertThat(answer(table, "/rooms/r/redact/%24a/1", "{}"))
                .isEqualTo("400 {\"errcode\":\"M_INVALID_PARAM\",\"error\":\"parameter 'roomId': not a room ID (!...:server)\"}");
        assertThat(answer(table, "/rooms/%21r%3Ax/redact/%24a%00b/1", "{}"))
                .isEqualTo("400 {\"errcode\":\"M_INVALID_PARAM\",\"error\":\"parameter 'eventId': contains a control character\"}");
        assertThat(answer(table, "/rooms/%21r%3Ax/redact/%24a/" + "t".repeat(256), "{}"))
                .isEqualTo("400 {\"errcode\":\"M_INVALID_PARAM\",\"error\":\"parameter 'txnId': longer than 255 bytes\"}");
        assertThat(answer(table, "/rooms/%21r%3Ax/redact/%24a/1", "null"))
                .isEqualTo("400 {\"errcode\":\"M_NOT_JSON\",\"error\":\"request body must be a JSON object, found null\"}");
        assertThat(answer(table, "/rooms/%21r%3Ax/redact/%24a/1", "{\"name\":5}"))
                .isEqualTo("400 {\"errcode\":\"M_BAD_JSON\",\"error\":\"name: expected a string, found an integer\"}");
        assertThat(ran[0]).isEqualTo(1);
    }

    private static String answer(RouteTable table, String path, String body) {
        ServerResponse r = table.handle(new ServerRequest("PUT", "/_matrix/client/v3" + path, Map.of(), Map.of(),
                body.getBytes(StandardCharsets.UTF_8), "127.0.0.1"));
        return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }
}
