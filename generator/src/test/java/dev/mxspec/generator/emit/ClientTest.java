package dev.mxspec.generator.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.api.PathCodec;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.client.RetryPolicy;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs every generated v1.7 client method against a local HTTP stub that records what arrives:
 * method, path, query, access token and body must be what the request record says.
 */
class ClientTest {

    private final CompiledRelease v17 = CompiledRelease.of("v1.7");
    private final SampleJson samples = new SampleJson(v17.release);

    /** What the stub received. */
    record Received(String method, String rawPath, Map<String, List<String>> query, String authorization, byte[] body) {}

    private HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private volatile byte[] reply = "{}".getBytes(StandardCharsets.UTF_8);
    private volatile int replyStatus = 200;
    private final AtomicInteger limited = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (received) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        query(exchange.getRequestURI().getRawQuery()), exchange.getRequestHeaders().getFirst("Authorization"), body));
            }
            byte[] out = reply;
            int status = replyStatus;
            if (limited.getAndDecrement() > 0) {
                out = "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"error\":\"slow down\",\"retry_after_ms\":20}".getBytes(StandardCharsets.UTF_8);
                status = 429;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void everyClientMethodSendsWhatItsRequestSays() throws Exception {
        int checked = 0;
        for (Api api : v17.release.apis()) {
            Object client = client(api, "token-1");
            for (Operation op : api.operations()) {
                received.clear();
                Endpoint endpoint = endpoint(api, op);
                Expected expected = expected(op, endpoint);
                reply = MatrixJson.write(response(op)).getBytes(StandardCharsets.UTF_8);
                Object request = MatrixJson.mapper().convertValue(expected.components(), requestClass(api, op));

                client.getClass().getMethod(methodName(op), request.getClass()).invoke(client, request);

                assertThat(received).as(op.key()).singleElement().satisfies(r -> {
                    assertThat(r.method()).isEqualTo(op.method());
                    assertThat(r.rawPath()).isEqualTo(expected.rawPath());
                    assertThat(new TreeMap<>(r.query())).isEqualTo(new TreeMap<>(expected.query()));
                    assertThat(r.authorization()).isEqualTo(op.security().isPresent() ? "Bearer token-1" : null);
                    assertThat(r.body()).isEqualTo(expected.body());
                });
                checked++;
            }
        }
        assertThat(checked).isEqualTo(218);
    }

    @Test
    void asyncMethodsAndRateLimitRetries() throws Exception {
        Api cs = v17.release.api(ApiKind.CLIENT_SERVER).orElseThrow();
        Operation whoami = v17.release.operation("GET", "/_matrix/client/v3/account/whoami").orElseThrow();
        Object client = client(cs, "token-1");
        Object request = MatrixJson.mapper().convertValue(Map.of(), requestClass(cs, whoami));
        reply = "{\"user_id\":\"@a:b\"}".getBytes(StandardCharsets.UTF_8);
        limited.set(2);

        CompletableFuture<?> future = (CompletableFuture<?>) client.getClass()
                .getMethod(methodName(whoami) + "Async", request.getClass()).invoke(client, request);

        assertThat(MatrixJson.tree(future.get()).get("user_id").asText()).isEqualTo("@a:b");
        assertThat(received).hasSize(3);
    }

    @Test
    void errorResponsesAreTypedExceptionsCarryingTheErrcode() throws Exception {
        Api cs = v17.release.api(ApiKind.CLIENT_SERVER).orElseThrow();
        Operation whoami = v17.release.operation("GET", "/_matrix/client/v3/account/whoami").orElseThrow();
        Object client = client(cs, "bad");
        Object request = MatrixJson.mapper().convertValue(Map.of(), requestClass(cs, whoami));
        reply = "{\"errcode\":\"M_UNKNOWN_TOKEN\",\"error\":\"Unrecognised access token\",\"soft_logout\":true}".getBytes(StandardCharsets.UTF_8);
        replyStatus = 401;

        assertThatThrownBy(() -> call(client, methodName(whoami), request))
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.errcode()).isEqualTo("M_UNKNOWN_TOKEN");
                    assertThat(e.error()).isEqualTo("Unrecognised access token");
                    assertThat(e.body().get("soft_logout").asBoolean()).isTrue();
                });
    }

    private static Object call(Object client, String method, Object request) throws Throwable {
        try {
            return client.getClass().getMethod(method, request.getClass()).invoke(client, request);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    record Expected(Map<String, Object> components, String rawPath, Map<String, List<String>> query, byte[] body) {}

    private Expected expected(Operation op, Endpoint endpoint) {
        Map<String, Object> components = new LinkedHashMap<>();
        Map<String, String> path = new LinkedHashMap<>();
        Map<String, List<String>> query = new LinkedHashMap<>();
        byte[] body = new byte[0];
        for (RequestShape.Component c : RequestShape.of(op).components()) {
            JsonNode value = samples.of(c.type(), c.wireName());
            switch (c.location()) {
                case PATH -> path.put(c.wireName(), value.asText());
                case QUERY -> {
                    if (c.isOtherQuery()) {
                        components.put(c.name(), Map.of("extra", "x y"));
                        query.put("extra", List.of("x y"));
                        continue;
                    }
                    List<String> values = new ArrayList<>();
                    if (c.isList()) {
                        value.forEach(v -> values.add(v.asText()));
                    } else {
                        values.add(value.asText());
                    }
                    query.put(c.wireName(), values);
                }
                case HEADER -> { }
                case BODY -> {
                    if (c.type() instanceof TypeRef.Binary) {
                        body = new byte[] {0, 1, 2};
                        components.put(c.name(), body);
                        continue;
                    }
                    body = MatrixJson.write(value).getBytes(StandardCharsets.UTF_8);
                }
            }
            components.put(c.name(), value);
        }
        return new Expected(components, endpoint.expand(path), query, body);
    }

    private JsonNode response(Operation op) {
        return op.responses().stream().filter(r -> r.status() >= 200 && r.status() < 300).findFirst()
                .flatMap(r -> r.type().map(t -> samples.of(t, "response")))
                .orElse(MatrixJson.mapper().createObjectNode());
    }

    private Object client(Api api, String token) throws ReflectiveOperationException {
        MatrixHttpClient http = new MatrixHttpClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                HttpClient.newHttpClient(), new RetryPolicy(3, 10, 1_000));
        http.accessToken(token);
        return v17.load(ClientEmitter.clientClass(v17.layout, api).canonicalName()).getConstructor(MatrixHttpClient.class).newInstance(http);
    }

    private Class<?> requestClass(Api api, Operation op) {
        return v17.load(EndpointEmitter.endpointClass(v17.layout, api.kind(), op).canonicalName() + "$Request");
    }

    private Endpoint endpoint(Api api, Operation op) throws ReflectiveOperationException {
        return (Endpoint) v17.load(EndpointEmitter.endpointClass(v17.layout, api.kind(), op).canonicalName()).getField("ENDPOINT").get(null);
    }

    private static String methodName(Operation op) {
        return dev.mxspec.generator.names.Names.camel(op.operationId());
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.computeIfAbsent(PathCodec.decode(kv[0], true), k -> new ArrayList<>())
                        .add(kv.length > 1 ? PathCodec.decode(kv[1], true) : "");
            }
        }
        return query;
    }
}
