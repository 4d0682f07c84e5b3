package dev.mxspec.generator.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.EndpointGroup;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.Authenticator;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Drives every v1.7 operation through the generated routers with recording handlers: the request
 * reaches the right handler method with every path, query, header and body field parsed.
 */
class RouterTest {

    private final CompiledRelease v17 = CompiledRelease.of("v1.7");
    private final SampleJson samples = new SampleJson(v17.release);

    /** What a recording handler saw. */
    record Call(String method, Object request, Optional<Object> principal) {}

    @Test
    void everyOperationReachesItsHandlerWithItsFieldsParsed() throws Exception {
        int checked = 0;
        for (Api api : v17.release.apis()) {
            List<Call> calls = new ArrayList<>();
            Object router = router(api, calls);
            Method handle = router.getClass().getMethod("handle", ServerRequest.class);
            for (Operation op : api.operations()) {
                calls.clear();
                Wire wire = wire(op);
                ServerResponse response = (ServerResponse) handle.invoke(router, wire.request());

                assertThat(response.status()).as(op.key() + " " + new String(response.body(), StandardCharsets.UTF_8))
                        .isEqualTo(successStatus(api, op));
                assertThat(calls).as(op.key()).singleElement().satisfies(call -> {
                    assertThat(call.method()).isEqualTo(ServerEmitter.handlerMethod(op));
                    assertThat(components(call.request())).isEqualTo(wire.expected());
                    assertThat(call.principal().isPresent()).isEqualTo(op.security().isPresent());
                });
                checked++;
            }
        }
        assertThat(checked).isEqualTo(v17.release.operations().size()).isEqualTo(218);
    }

    @Test
    void unknownPathsMethodsAndBadBodiesAreMatrixErrors() throws Exception {
        Api cs = v17.release.api(dev.mxspec.generator.model.ApiKind.CLIENT_SERVER).orElseThrow();
        Object router = router(cs, new ArrayList<>());
        Method handle = router.getClass().getMethod("handle", ServerRequest.class);

        assertError(handle.invoke(router, request("GET", "/_matrix/client/v3/nowhere", "")), 404, "M_UNRECOGNIZED");
        assertError(handle.invoke(router, request("DELETE", "/_matrix/client/v3/createRoom", "")), 405, "M_UNRECOGNIZED");
        assertError(handle.invoke(router, request("POST", "/_matrix/client/v3/createRoom", "{not json")), 400, "M_NOT_JSON");
        assertError(handle.invoke(router, request("POST", "/_matrix/client/v3/createRoom", "{\"preset\": 7}")), 400, "M_BAD_JSON");
        assertError(handle.invoke(router, request("POST", "/_matrix/client/v3/login", "{}")), 400, "M_BAD_JSON");
        assertError(handle.invoke(router, request("GET", "/_matrix/client/v3/rooms/!r:x/messages?dir=b&limit=many", "")), 400, "M_INVALID_PARAM");
        assertError(handle.invoke(router, request("GET", "/_matrix/client/v3/rooms/!r:x/messages", "")), 400, "M_MISSING_PARAM");
    }

    @Test
    void bodiesAndParametersThatDoNotFitTheSchemaNeverReachAHandler() throws Exception {
        Api cs = v17.release.api(dev.mxspec.generator.model.ApiKind.CLIENT_SERVER).orElseThrow();
        List<Call> calls = new ArrayList<>();
        Object router = router(cs, calls);
        Method handle = router.getClass().getMethod("handle", ServerRequest.class);

        assertError(handle.invoke(router, request("POST", "/_matrix/client/v3/login", "null")), 400, "M_NOT_JSON");
        assertError(handle.invoke(router, request("POST", "/_matrix/client/v3/createRoom", "[]")), 400, "M_NOT_JSON");
        assertError(handle.invoke(router, request("PUT", "/_matrix/client/v3/profile/@a:x/displayname", "{\"displayname\":7}")), 400,
                "M_BAD_JSON");
        assertError(handle.invoke(router, request("PUT", "/_matrix/client/v3/presence/@a:x/status", "{\"presence\":\"online\",\"status_msg\":null}")),
                400, "M_BAD_JSON");
        assertError(handle.invoke(router, request("POST", "/_matrix/client/v3/rooms/!r:x/invite", "{\"user_id\":true}")), 400, "M_BAD_JSON");
        assertError(handle.invoke(router, request("PUT", "/_matrix/client/v3/rooms/!r:x/typing/@a:x", "{\"typing\":\"true\"}")), 400,
                "M_BAD_JSON");
        assertError(handle.invoke(router, request("PUT", "/_matrix/client/v3/rooms/!r:x/typing/@a:x", "{\"typing\":true,\"timeout\":1.5}")),
                400, "M_BAD_JSON");
        assertError(handle.invoke(router, request("GET", "/_matrix/client/v3/pushrules/global/nonsense/rule", "")), 400, "M_INVALID_PARAM");
        assertError(handle.invoke(router, request("GET", "/_matrix/client/v3/profile/alice", "")), 400, "M_INVALID_PARAM");
        assertError(handle.invoke(router, request("GET", "/_matrix/client/v3/rooms/%21r%3Ax/event/nosigil", "")), 400, "M_INVALID_PARAM");
        assertThat(calls).isEmpty();

        ServerResponse ok = (ServerResponse) handle.invoke(router, request("PUT", "/_matrix/client/v3/rooms/!r:x/typing/@a:x",
                "{\"typing\":true,\"timeout\":30000,\"x-unknown\":[null]}"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(calls).singleElement().satisfies(c -> assertThat(MatrixJson.write(c.request()))
                .isEqualTo("{\"roomId\":\"!r:x\",\"userId\":\"@a:x\",\"body\":{\"typing\":true,\"timeout\":30000,\"x-unknown\":[null]}}"));
    }

    private static void assertError(Object response, int status, String errcode) {
        ServerResponse r = (ServerResponse) response;
        JsonNode body = readTree(r.body());
        assertThat(r.status()).as(body.toString()).isEqualTo(status);
        assertThat(body.path("errcode").asText()).isEqualTo(errcode);
        assertThat(body.path("error").asText()).isNotBlank();
    }

    private static ServerRequest request(String method, String pathAndQuery, String body) {
        int q = pathAndQuery.indexOf('?');
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
            }
        }
        return new ServerRequest(method, q >= 0 ? pathAndQuery.substring(0, q) : pathAndQuery, query,
                Map.of("authorization", "Bearer t"), body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    }

    /** The request to send for an operation, and the request record components the handler must see. */
    record Wire(ServerRequest request, Map<String, JsonNode> expected) {}

    private Wire wire(Operation op) {
        RequestShape shape = RequestShape.of(op);
        Map<String, String> pathValues = new LinkedHashMap<>();
        Map<String, List<String>> query = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("authorization", "Bearer token-1");
        Map<String, JsonNode> expected = new LinkedHashMap<>();
        byte[] body = new byte[0];
        for (RequestShape.Component c : shape.components()) {
            JsonNode value = samples.of(c.type(), c.wireName());
            switch (c.location()) {
                case PATH -> {
                    value = pathSample(c.wireName(), value);
                    pathValues.put(c.wireName(), value.asText());
                    expected.put(c.name(), value);
                }
                case QUERY -> {
                    if (c.isOtherQuery()) {
                        query.put("extra", List.of("x y"));
                        expected.put(c.name(), MatrixJson.mapper().valueToTree(Map.of("extra", "x y")));
                    } else if (c.isList()) {
                        List<String> values = new ArrayList<>();
                        value.forEach(v -> values.add(v.asText()));
                        query.put(c.wireName(), values);
                        expected.put(c.name(), value);
                    } else {
                        query.put(c.wireName(), List.of(value.asText()));
                        expected.put(c.name(), value);
                    }
                }
                case HEADER -> {
                    headers.put(c.wireName().toLowerCase(java.util.Locale.ROOT), value.asText());
                    expected.put(c.name(), value);
                }
                case BODY -> {
                    if (c.type() instanceof TypeRef.Binary) {
                        body = new byte[] {0, 1, 2};
                        expected.put(c.name(), MatrixJson.mapper().valueToTree(body));
                    } else {
                        body = MatrixJson.write(value).getBytes(StandardCharsets.UTF_8);
                        expected.put(c.name(), value);
                    }
                }
            }
        }
        Endpoint endpoint = endpoint(op);
        ServerRequest request = new ServerRequest(op.method(), endpoint.expand(pathValues), query, headers, body, "127.0.0.1");
        return new Wire(request, expected);
    }

    /** Path parameters named after Matrix identifiers must fit their grammar; the others take any text. */
    private static JsonNode pathSample(String name, JsonNode value) {
        String sample = switch (name) {
            case "userId" -> "@s/x=y_z:example.org";
            case "roomId", "roomIdOrAlias" -> "!s/é?#:example.org";
            case "roomAlias" -> "#s/é?#:example.org";
            case "eventId" -> "$s/é?#+=";
            case "serverName" -> "example.org:8448";
            case "mediaId" -> "s_media-1";
            default -> null;
        };
        return sample == null ? value : com.fasterxml.jackson.databind.node.TextNode.valueOf(sample);
    }

    private Endpoint endpoint(Operation op) {
        Api api = v17.release.apis().stream().filter(a -> a.operations().contains(op)).findFirst().orElseThrow();
        try {
            return (Endpoint) v17.load(EndpointEmitter.endpointClass(v17.layout, api.kind(), op).canonicalName())
                    .getField("ENDPOINT").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private int successStatus(Api api, Operation op) throws ReflectiveOperationException {
        return v17.load(EndpointEmitter.endpointClass(v17.layout, api.kind(), op).canonicalName()).getField("SUCCESS_STATUS").getInt(null);
    }

    /** The request record as JSON, component by component (Optional unwrapped, empty left out). */
    private static Map<String, JsonNode> components(Object record) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (RecordComponent rc : record.getClass().getRecordComponents()) {
            try {
                Object v = rc.getAccessor().invoke(record);
                if (v instanceof Optional<?> o) {
                    if (o.isEmpty()) {
                        continue;
                    }
                    v = o.get();
                }
                if ((v instanceof List<?> l && l.isEmpty()) || (v instanceof Map<?, ?> m && m.isEmpty())) {
                    continue;
                }
                values.put(rc.getName(), MatrixJson.mapper().valueToTree(v));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return values;
    }

    private Object router(Api api, List<Call> calls) throws Exception {
        Class<?> routerClass = v17.load(ServerEmitter.routerClass(v17.layout, api).canonicalName());
        Authenticator auth = (endpoint, request) -> request.accessToken()
                .orElseThrow(() -> new MatrixException(401, "M_MISSING_TOKEN", "no token"));
        Object builder = routerClass.getMethod("builder", Authenticator.class).invoke(null, auth);
        for (EndpointGroup group : api.groups()) {
            if (group.operations().isEmpty()) {
                continue;
            }
            Class<?> handler = v17.load(ServerEmitter.handlerClass(v17.layout, api, group).canonicalName());
            Object proxy = Proxy.newProxyInstance(v17.loader, new Class<?>[] {handler}, (p, m, args) -> {
                if (m.getDeclaringClass() == Object.class) {
                    return m.getName().equals("toString") ? handler.getSimpleName() : null;
                }
                dev.mxspec.runtime.server.RequestContext context = (dev.mxspec.runtime.server.RequestContext) args[0];
                calls.add(new Call(m.getName(), args[1], context.principal()));
                return m.getReturnType() == dev.mxspec.runtime.api.Media.class
                        ? new dev.mxspec.runtime.api.Media("image/png", Optional.empty(), new byte[] {1})
                        : null;
            });
            builder.getClass().getMethod(dev.mxspec.generator.names.Names.camel(group.name()), handler).invoke(builder, proxy);
        }
        return builder.getClass().getMethod("build").invoke(builder);
    }

    private static JsonNode readTree(byte[] body) {
        try {
            return MatrixJson.mapper().readTree(body);
        } catch (java.io.IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

}
