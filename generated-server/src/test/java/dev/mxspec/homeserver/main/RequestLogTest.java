package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code request_log: true} writes one line per request through the server's log (SLF4J, to
 * standard error), the requests Jetty refuses itself included; tokens in the query and passwords in
 * bodies never appear. Off by default.
 */
class RequestLogTest {

    private static final String LOGGER = "dev.mxspec.homeserver.requests - ";

    @TempDir
    Path dir;

    /** What the server logs while {@code calls} run, as the request log's lines (without the logger's prefix). */
    private List<String> logged(String backend, boolean on, ThrowingConsumer<Homeserver> calls, StringBuilder everything) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir.resolve(on ? "on" : "off"), c -> c.withRequestLog(on))) {
            PrintStream original = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                calls.accept(server);
            } finally {
                System.setErr(original);
            }
            String text = captured.toString(StandardCharsets.UTF_8);
            everything.append(text);
            return text.lines().filter(l -> l.contains(LOGGER)).map(l -> l.substring(l.indexOf(LOGGER) + LOGGER.length()))
                    .map(l -> l.replaceAll(" [0-9]+\\.[0-9] ms$", " <t> ms")).toList();
        }
    }

    interface ThrowingConsumer<T> {
        void accept(T value) throws Exception;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eachRequestIsOneLineWithoutTokensOrPasswords(String backend) throws Exception {
        String password = "correct horse battery staple";
        String[] token = new String[1];
        StringBuilder everything = new StringBuilder();
        List<String> lines = logged(backend, true, server -> {
            JsonHttp http = new JsonHttp(server.port());
            token[0] = http.register("ann", password);
            http.call("GET", "/account/whoami?access_token=" + token[0], null, null);
            http.call("GET", "/sync?timeout=0&access_token=" + token[0], null, null);
            http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"ann\"},"
                    + "\"password\":\"" + password + "\"}");
            http.call("GET", "/no/such/thing", token[0], null);
            RawHttp.send(server.port(), "GET /_matrix/client/v3//sync?access_token=" + token[0] + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.send(server.port(), "GET /_matrix/client/versions HTTP/2.5\r\n\r\n");
        }, everything);

        assertThat(lines).containsExactly(
                "POST /_matrix/client/v3/register 200 <t> ms",
                "GET /_matrix/client/v3/account/whoami?access_token=<redacted> 200 <t> ms",
                "GET /_matrix/client/v3/sync?timeout=0&access_token=<redacted> 200 <t> ms",
                "POST /_matrix/client/v3/login 200 <t> ms",
                "GET /_matrix/client/v3/no/such/thing 404 <t> ms",
                "GET /_matrix/client/v3//sync?access_token=<redacted> 400 <t> ms",
                "BAD /badMessage 505 <t> ms");
        assertThat(everything.toString()).doesNotContain(token[0]).doesNotContain(password);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theRequestLogIsOffByDefault(String backend) throws Exception {
        List<String> lines = logged(backend, false, server -> new JsonHttp(server.port()).call("GET", "/no/such/thing", null, null),
                new StringBuilder());

        assertThat(lines).isEmpty();
    }
}
