package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests the HTTP layer refuses before any endpoint sees them, written byte for byte: each
 * answer is Matrix error JSON with the status that fits and the CORS headers, never an HTML page
 * or an empty body.
 */
class HttpErrorsTest {

    @TempDir
    Path dir;

    /** @param error the whole message, or {@code null} where the router words it (its wording is not this test's concern) */
    private record Case(String what, String request, int status, String errcode, String error) {}

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    }

    private static final List<Case> CASES = List.of(
            new Case("a URI over the header limit", get("/_matrix/client/v3/" + "a".repeat(9000)), 414, "M_TOO_LARGE", "URI Too Long"),
            new Case("headers over the limit", "GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\nX-Filler: " + "b".repeat(9000)
                    + "\r\n\r\n", 431, "M_TOO_LARGE", "Request Header Fields Too Large"),
            new Case("%00 in the path", get("/_matrix/client/v3/rooms/%00/state"), 400, "M_UNKNOWN", "Bad Request"),
            new Case("a CR in the path", "GET /_matrix/client/v3/rooms/a\rb/state HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, "M_UNKNOWN",
                    "Bad EOL"),
            new Case("an empty path segment", get("/_matrix/client/v3//sync"), 400, "M_UNKNOWN", "Ambiguous URI empty segment"),
            new Case("bad percent-encoding in the path", get("/_matrix/client/v3/rooms/%zz/state"), 400, "M_UNKNOWN", "Bad Request"),
            new Case("bad UTF-8 in the path", get("/_matrix/client/v3/rooms/%C3%28/state"), 400, "M_UNKNOWN", "Bad UTF-8 encoding"),
            new Case("bad percent-encoding in the query", get("/_matrix/client/versions?x=%zz"), 400, "M_INVALID_PARAM",
                    "the query string is not valid percent-encoded UTF-8"),
            new Case("%00 in the query", get("/_matrix/client/v3/profile/%40a%3Alocalhost?x=a%00b"), 400, "M_INVALID_PARAM",
                    "a query parameter holds a NUL character (%00)"),
            new Case("HTTP/1.1 without Host", "GET /_matrix/client/versions HTTP/1.1\r\n\r\n", 400, "M_UNKNOWN", "No Host"),
            new Case("a malformed Host", "GET /_matrix/client/versions HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "M_UNKNOWN", "Bad HostPort"),
            new Case("two Host headers", "GET /_matrix/client/versions HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "M_UNKNOWN",
                    "Duplicate Host Header"),
            new Case("an unknown HTTP version", "GET /_matrix/client/versions HTTP/2.5\r\n\r\n", 505, "M_UNKNOWN", "HTTP Version Not Supported"),
            new Case("an HTTP/0.9 request line", "GET /_matrix/client/versions\r\n\r\n", 505, "M_UNKNOWN", "HTTP Version Not Supported"),
            new Case("an unknown method", get("/_matrix/client/versions").replace("GET", "BREW"), 405, "M_UNRECOGNIZED", null),
            new Case("an unknown well-known path", get("/.well-known/matrix/nothing"), 404, "M_UNRECOGNIZED", null),
            new Case("a declared body over the limit", "POST /_matrix/client/v3/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000000\r\n"
                    + "Content-Type: application/json\r\n\r\n{", 413, "M_TOO_LARGE", "request body is larger than 1048576 bytes"),
            new Case("a chunked body over the limit", "POST /_matrix/client/v3/login HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + ("8000\r\n" + "x".repeat(0x8000) + "\r\n").repeat(33) + "0\r\n\r\n", 413, "M_TOO_LARGE",
                    "request body is larger than 1048576 bytes"),
            new Case("a chunked body with a bad chunk size", "POST /_matrix/client/v3/login HTTP/1.1\r\nHost: localhost\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400, "M_UNKNOWN", "the request body could not be read"));

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyRequestTheHttpLayerRefusesGetsMatrixErrorJsonWithCors(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            List<String> answers = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (Case c : CASES) {
                RawHttp.Response r = RawHttp.send(server.port(), c.request());
                JsonNode body = r.json();
                answers.add(c.what() + ": " + r.status() + " " + r.header("Content-Type") + " " + r.header("Access-Control-Allow-Origin") + " "
                        + (c.error() == null ? body.path("errcode").asText() + " " + body.path("error").isTextual() : MatrixJson.write(body)));
                JsonNode whole = MatrixJson.mapper().createObjectNode().put("errcode", c.errcode()).put("error", c.error());
                expected.add(c.what() + ": " + c.status() + " application/json * " + (c.error() == null ? c.errcode() + " true"
                        : MatrixJson.write(whole)));
            }
            assertThat(answers).containsExactlyElementsOf(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anHttp10RequestWithoutHostIsServedAndTheConnectionClosed(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            RawHttp.Response r = RawHttp.send(server.port(), "GET /_matrix/client/versions HTTP/1.0\r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("versions").get(0).asText()).isEqualTo("v1.1");
        }
    }

    @org.junit.jupiter.api.Test
    void aRefusedRequestClosesItsConnectionSoThatWhatFollowsIsNeverReadAsARequest() throws Exception {
        try (Homeserver server = TestServers.start("sqlite", dir, c -> c);
                java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String tooLong = "GET /_matrix/client/v3/rooms/" + "a".repeat(10_000) + "/state HTTP/1.1\r\nHost: localhost\r\n\r\n";
            String next = "GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\n\r\n";
            socket.getOutputStream().write((tooLong + next).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            RawHttp.Response first = RawHttp.read(in);
            assertThat(first.status()).isEqualTo(414);
            assertThat(first.header("Connection")).isEqualTo("close");
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)).as("nothing after it: the connection closed")
                    .isEmpty();
        }
    }
}
