package dev.mxspec.runtime.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries after network errors and token refresh, against a stub server that misbehaves on purpose. */
class MatrixHttpClientTest {

    private static final Endpoint WHOAMI = endpoint("getTokenOwner", "GET", "/_matrix/client/v3/account/whoami", List.of());
    private static final Endpoint SEND = endpoint("sendMessage", "PUT", "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}",
            List.of("roomId", "eventType", "txnId"));
    private static final Endpoint CREATE = endpoint("createRoom", "POST", "/_matrix/client/v3/createRoom", List.of());

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private static Endpoint endpoint(String id, String method, String path, List<String> pathFields) {
        return new Endpoint(id, method, path, pathFields, List.of(), List.of(), true, Optional.of("accessToken"), false, Optional.empty(),
                Map.of(), false);
    }

    /** Starts a stub whose handler answers {status, body} for each request, or null to drop the connection unanswered. */
    private MatrixHttpClient client(Function<HttpExchange, Object[]> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            Object[] reply = answer.apply(exchange);
            if (reply == null) {
                exchange.getResponseBody().close();
                exchange.close();
                return;
            }
            byte[] body = ((String) reply[1]).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders((Integer) reply[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        MatrixHttpClient client = new MatrixHttpClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                HttpClient.newHttpClient(), new RetryPolicy(3, 10, 1_000));
        client.accessToken("old");
        return client;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static MatrixHttpClient.Call call(Endpoint endpoint, Map<String, String> path, Object body) {
        return new MatrixHttpClient.Call(endpoint, path, Map.of(), Map.of(), body);
    }

    private static final Object[] OK = {200, "{\"user_id\":\"@a:x\"}"};

    @Test
    void requestsThatAreSafeToRepeatAreRetriedAfterNetworkErrors() throws Exception {
        AtomicInteger n = new AtomicInteger();
        MatrixHttpClient client = client(exchange -> n.incrementAndGet() <= 2 ? null : OK);

        JsonNode r = client.send(call(SEND, Map.of("roomId", "!r:x", "eventType", "m.room.message", "txnId", "t1"), Map.of("body", "hi")),
                MatrixJson.mapper().constructType(JsonNode.class));

        assertThat(r.path("user_id").asText()).isEqualTo("@a:x");
        assertThat(seen).as("the same transaction, sent again").hasSize(3).allMatch(s -> s.startsWith("PUT /_matrix/client/v3/rooms/%21r%3Ax/send/m.room.message/t1"));
    }

    @Test
    void anotherTransportCarriesTheRequestsAndTheirAnswersAreReadTheSame() throws Exception {
        client(exchange -> OK); // the stub only gives the port: the transport below answers
        List<java.net.http.HttpRequest> sent = new CopyOnWriteArrayList<>();
        HttpClient jdk = HttpClient.newHttpClient();
        MatrixHttpClient.Transport transport = request -> {
            sent.add(request);
            return request.uri().getPath().endsWith("/createRoom")
                    ? CompletableFuture.failedFuture(new IOException("refused by the transport"))
                    : jdk.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        };
        MatrixHttpClient client = new MatrixHttpClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), transport,
                RetryPolicy.none());
        client.accessToken("tok");
        JsonNode r = client.send(call(WHOAMI, Map.of(), null), MatrixJson.mapper().constructType(JsonNode.class));
        assertThat(r.path("user_id").asText()).isEqualTo("@a:x");
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).headers().firstValue("Authorization")).contains("Bearer tok");
        assertThat(seen).containsExactly("GET /_matrix/client/v3/account/whoami Bearer tok");
        assertThatThrownBy(() -> client.send(call(CREATE, Map.of(), Map.of()), MatrixJson.mapper().constructType(JsonNode.class)))
                .hasRootCauseMessage("refused by the transport");
        assertThat(seen).as("the transport's refusal reached no server").hasSize(1);
    }

    @Test
    void postsAreNotRepeatedBlindlyAndRetriesEnd() throws Exception {
        MatrixHttpClient client = client(exchange -> null);

        assertThatThrownBy(() -> client.send(call(CREATE, Map.of(), Map.of()), MatrixJson.mapper().constructType(JsonNode.class)))
                .hasRootCauseInstanceOf(IOException.class);
        assertThat(seen).as("a POST that may have arrived is not sent twice").hasSize(1);

        seen.clear();
        assertThatThrownBy(() -> client.send(call(SEND, Map.of("roomId", "!r:x", "eventType", "m.room.message", "txnId", "t2"),
                Map.of()), MatrixJson.mapper().constructType(JsonNode.class)))
                .hasRootCauseInstanceOf(IOException.class);
        assertThat(seen).as("one try and three retries (the JDK client itself repeats a GET once, so a PUT shows the count)").hasSize(4);
    }

    @Test
    void anExpiredTokenIsRefreshedOnceAndTheRequestsSentAgain() throws Exception {
        MatrixHttpClient client = client(exchange -> "Bearer new".equals(exchange.getRequestHeaders().getFirst("Authorization")) ? OK
                : new Object[] {401, "{\"errcode\":\"M_UNKNOWN_TOKEN\",\"error\":\"expired\",\"soft_logout\":true}"});
        AtomicInteger refreshes = new AtomicInteger();
        client.tokenRefresher(expired -> {
            assertThat(expired).isEqualTo("old");
            refreshes.incrementAndGet();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "new";
        });

        List<CompletableFuture<JsonNode>> calls = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> client.<JsonNode>sendAsync(call(WHOAMI, Map.of(), null), MatrixJson.mapper().constructType(JsonNode.class)))
                .toList();

        assertThat(calls).allSatisfy(c -> assertThat(c.get().path("user_id").asText()).isEqualTo("@a:x"));
        assertThat(refreshes).as("concurrent failures on one token share one refresh").hasValue(1);
        assertThat(client.accessToken()).isEqualTo("new");
    }

    @Test
    void aRevokedTokenIsNotRefreshed() throws Exception {
        MatrixHttpClient client = client(exchange -> new Object[] {401, "{\"errcode\":\"M_UNKNOWN_TOKEN\",\"error\":\"logged out\"}"});
        client.tokenRefresher(expired -> {
            throw new AssertionError("no soft logout, no refresh");
        });

        assertThatThrownBy(() -> client.send(call(WHOAMI, Map.of(), null), MatrixJson.mapper().constructType(JsonNode.class)))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_UNKNOWN_TOKEN"));
        assertThat(seen).hasSize(1);
    }
}
