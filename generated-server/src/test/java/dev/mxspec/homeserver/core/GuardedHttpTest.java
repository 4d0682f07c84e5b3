package dev.mxspec.homeserver.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport for servers users name: requests and answers pass as they are (a 401 without a challenge included),
 * and the addresses a name resolves to are checked as each new connection is made, so that a name allowed once is
 * refused when it resolves to a denied address later.
 */
class GuardedHttpTest {

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicBoolean loopbackAllowed = new AtomicBoolean(true);
    private GuardedHttp http;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " " + new String(body, StandardCharsets.UTF_8));
            int status = exchange.getRequestURI().getPath().equals("/refused") ? 401 : 200;
            byte[] answer = ("{\"got\":" + body.length + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Seen", "1");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        http = new GuardedHttp(new CheckedResolver(a -> !a.isLoopbackAddress() || loopbackAllowed.get(), a -> "denied: " + a.getHostAddress()),
                Duration.ofSeconds(5), 1 << 16);
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(0);
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws Exception {
        return http.send(request).get(10, TimeUnit.SECONDS);
    }

    @Test
    void requestsAndAnswersPassAsTheyAre() throws Exception {
        int port = server.getAddress().getPort();
        HttpResponse<byte[]> posted = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/p?q=1"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\":\"é\"}")).build());
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(new String(posted.body(), StandardCharsets.UTF_8)).isEqualTo("{\"got\":10}");
        assertThat(posted.headers().firstValue("x-seen")).contains("1");
        assertThat(received).containsExactly("POST /p?q=1 application/json {\"a\":\"é\"}");

        HttpResponse<byte[]> refused = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/refused")).GET().build());
        assertThat(refused.statusCode()).as("a 401 without WWW-Authenticate is the answer, not a failure").isEqualTo(401);
        assertThat(received).hasSize(2);
    }

    @Test
    void aNameIsCheckedAsItIsConnectedToNotOnce() throws Exception {
        int port = server.getAddress().getPort();
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/first")).GET().build()).statusCode()).isEqualTo(200);

        loopbackAllowed.set(false); // the name now resolves to an address not allowed, as a rebinding DNS answer would make it
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/second")).GET().build())
                .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(CheckedResolver.denied(e)).hasValueSatisfying(d -> assertThat(d.getMessage()).startsWith("denied: ")));
        assertThat(received).hasSize(1);
    }
}
