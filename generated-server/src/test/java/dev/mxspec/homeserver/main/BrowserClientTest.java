package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A web page from another origin uses the homeserver with {@code fetch()} in headless Chromium:
 * logging in (a JSON POST, so the browser sends a CORS preflight first), syncing with an
 * {@code Authorization} header, and reading an error's JSON. Without the CORS headers on every
 * answer the browser would refuse each of these. {@code interop/install-chromium.sh} installs
 * Debian's chromium; when it cannot, the test is skipped, not passed.
 */
class BrowserClientTest {

    private static final Path INTEROP = Path.of("..", "interop").toAbsolutePath().normalize();
    private static String chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void installChromium() throws Exception {
        Process p = new ProcessBuilder("bash", INTEROP.resolve("install-chromium.sh").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        Assumptions.assumeTrue(done && p.exitValue() == 0, "chromium could not be installed: " + out);
        chromium = out.lines().reduce((a, b) -> b).orElseThrow().strip();
    }

    private static String page(int homeserverPort, String roomId) {
        return """
                <!doctype html>
                <html><body><pre id="result">pending</pre><script>
                const hs = "http://127.0.0.1:%d";
                const roomId = "%s";
                (async () => {
                  const out = [];
                  try {
                    const login = await fetch(hs + "/_matrix/client/v3/login", {method: "POST", headers: {"Content-Type": "application/json"},
                      body: JSON.stringify({type: "m.login.password", identifier: {type: "m.id.user", user: "ann"}, password: "correct horse battery"})});
                    const session = await login.json();
                    out.push("login " + login.status + " " + session.user_id);
                    const sync = await fetch(hs + "/_matrix/client/v3/sync?timeout=0", {headers: {Authorization: "Bearer " + session.access_token}});
                    const state = await sync.json();
                    const timeline = state.rooms.join[roomId].timeline.events.filter(e => e.type === "m.room.message");
                    out.push("sync " + sync.status + " " + timeline.map(e => e.content.body).join(","));
                    const refused = await fetch(hs + "/_matrix/client/v3/account/whoami", {headers: {Authorization: "Bearer not-a-token"}});
                    out.push("whoami " + refused.status + " " + (await refused.json()).errcode);
                    const unknown = await fetch(hs + "/_matrix/client/v3/no/such/endpoint", {method: "PUT", headers: {"Content-Type": "application/json"}, body: "{}"});
                    out.push("unknown " + unknown.status + " " + (await unknown.json()).errcode);
                  } catch (e) {
                    out.push("failed: " + e);
                  }
                  document.getElementById("result").textContent = out.join("|");
                })();
                </script></body></html>
                """.formatted(homeserverPort, roomId);
    }

    private String runChromium(String url) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--virtual-time-budget=15000", "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return dom;
    }

    private static String result(String dom) {
        int start = dom.indexOf("<pre id=\"result\">");
        int end = dom.indexOf("</pre>", start);
        return start < 0 || end < 0 ? dom : dom.substring(start + "<pre id=\"result\">".length(), end);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aPageFromAnotherOriginLogsInSyncsAndReadsErrors(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            JsonHttp http = new JsonHttp(server.port());
            String token = http.register("ann", "correct horse battery");
            String roomId = http.call("POST", "/createRoom", token, "{}").body().path("room_id").asText();
            http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/t1", token, "{\"msgtype\":\"m.text\",\"body\":\"hello browser\"}");
            HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] html = page(server.port(), roomId).getBytes(StandardCharsets.UTF_8);
            origin.createContext("/", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, html.length);
                exchange.getResponseBody().write(html);
                exchange.close();
            });
            origin.start();
            try {
                String dom = runChromium("http://127.0.0.1:" + origin.getAddress().getPort() + "/");

                assertThat(List.of(result(dom).split("\\|"))).containsExactly("login 200 @ann:localhost", "sync 200 hello browser",
                        "whoami 401 M_UNKNOWN_TOKEN", "unknown 404 M_UNRECOGNIZED");
            } finally {
                origin.stop(0);
            }
        }
    }
}
