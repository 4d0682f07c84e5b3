package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that send slowly or not at all: a request head must arrive within the header timeout,
 * a body within the body timeout, and a silent connection is closed after the idle timeout; none of
 * this cuts a long poll short. Timeouts are short here so that the tests are quick.
 */
class SlowClientsTest {

    private static final byte[] HEAD = "GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\nX-Padding: abcdefghijklmnopqrstuvwxyz\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    private Homeserver start(String backend, long headerMs, long bodyMs, long idleMs) throws Exception {
        return TestServers.start(backend, dir, c -> c.withHttp(new HttpSettings(headerMs, bodyMs, idleMs, 0, 0)));
    }

    /** Reads until the server closes; what it sent before (nothing, for a connection that was cut). */
    private static String untilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder got = new StringBuilder();
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                got.append((char) b);
            }
        } catch (SocketException reset) {
            // a reset is a close too
        }
        return got.toString();
    }

    /** Sends {@code bytes} one at a time, {@code gapMs} apart, until done or the server closes; how many were sent. */
    private static Thread trickle(Socket socket, byte[] bytes, long gapMs) {
        return Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(gapMs);
                }
            } catch (IOException | InterruptedException closed) {
                // the server closed the connection
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aClientTricklingItsHeadersIsCutOffAtTheHeaderTimeoutWithoutAnAnswer(String backend) throws Exception {
        try (Homeserver server = start(backend, 500, 10_000, 10_000); Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            Thread sender = trickle(socket, HEAD, 100);

            String answer = untilClosed(socket);
            long closedAfterMs = (System.nanoTime() - start) / 1_000_000;
            sender.join();

            assertThat(answer).isEmpty();
            assertThat(closedAfterMs).isBetween(500L, 4_000L); // the head would take 8.7 s at this pace
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void fiveHundredTricklingConnectionsAreAllClosedAtTheHeaderTimeout(String backend) throws Exception {
        try (Homeserver server = start(backend, 700, 10_000, 10_000)) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 500; i++) {
                    Socket socket = new Socket("127.0.0.1", server.port());
                    socket.setSoTimeout(10_000);
                    sockets.add(socket);
                }
                long start = System.nanoTime();
                for (int sent = 0; System.nanoTime() - start < 1_500_000_000L; sent++) { // one byte each, every 100 ms
                    for (Socket socket : sockets) {
                        try {
                            socket.getOutputStream().write(HEAD[sent]);
                        } catch (IOException closed) {
                            // cut off already
                        }
                    }
                    Thread.sleep(100);
                }
                int closed = 0;
                for (Socket socket : sockets) {
                    if (untilClosed(socket).isEmpty()) {
                        closed++;
                    }
                }
                assertThat(closed).isEqualTo(500);
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aHeadArrivingInPiecesWithinTheTimeoutIsServed(String backend) throws Exception {
        try (Homeserver server = start(backend, 2_000, 10_000, 10_000); Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            for (int from = 0; from < HEAD.length; from += 30) {
                out.write(HEAD, from, Math.min(30, HEAD.length - from));
                out.flush();
                Thread.sleep(100);
            }

            RawHttp.Response r = RawHttp.read(socket.getInputStream());

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("versions").isArray()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aStalledBodyGetsMatrixErrorJsonAndTheConnectionIsClosed(String backend) throws Exception {
        try (Homeserver server = start(backend, 10_000, 500, 10_000); Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /_matrix/client/v3/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"type\":").getBytes(StandardCharsets.ISO_8859_1));

            RawHttp.Response r = RawHttp.read(socket.getInputStream());

            assertThat(r.status()).isEqualTo(408);
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(r.body()).isEqualTo("{\"errcode\":\"M_UNKNOWN\",\"error\":\"the request body did not arrive in time\"}");
            assertThat(untilClosed(socket)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTricklingBodyIsCutAtTheBodyTimeoutWithMatrixErrorJson(String backend) throws Exception {
        try (Homeserver server = start(backend, 10_000, 600, 10_000); Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String body = "{\"type\":\"m.login.password\",\"user\":\"nobody\",\"password\":\"" + "p".repeat(40) + "\"}";
            socket.getOutputStream().write(("POST /_matrix/client/v3/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Thread sender = trickle(socket, body.getBytes(StandardCharsets.ISO_8859_1), 100);

            RawHttp.Response r = RawHttp.read(socket.getInputStream());
            sender.interrupt();

            assertThat(r.status()).isEqualTo(408);
            assertThat(r.body()).isEqualTo("{\"errcode\":\"M_UNKNOWN\",\"error\":\"the request body did not arrive in time\"}");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aSilentConnectionIsClosedAfterTheIdleTimeoutButALongPollIsNot(String backend) throws Exception {
        try (Homeserver server = start(backend, 10_000, 10_000, 500)) {
            JsonHttp http = new JsonHttp(server.port());
            String token = http.register("ann", "correct horse battery");
            String since = http.call("GET", "/sync", token, null).body().path("next_batch").asText();

            long start = System.nanoTime();
            JsonHttp.Reply poll = http.call("GET", "/sync?timeout=1500&since=" + since, token, null);
            long pollMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(poll.status()).isEqualTo(200);
            assertThat(pollMs).isGreaterThanOrEqualTo(1_400);
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(200);
                long idleFrom = System.nanoTime();
                assertThat(untilClosed(socket)).isEmpty();
                assertThat((System.nanoTime() - idleFrom) / 1_000_000).isBetween(400L, 5_000L);
            }
        }
    }
}
