package dev.mxspec.homeserver.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mxspec.homeserver.appservice.ServiceFixture.Client;
import dev.mxspec.homeserver.appservice.ServiceFixture.Reply;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.main.InteropTest;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application service written with matrix-bot-sdk (npm; {@code interop/js/appservice_bot.mjs}), a framework no one
 * here wrote, against the homeserver: the test writes its registration (a free port for its URL) and starts the
 * homeserver with it; the bot registers a user of its namespace through its intent, joins a room alice invited it to,
 * sets its display name, greets the room, and answers each message it receives in a transaction with {@code echo: ...}.
 * {@code interop/install-clients.sh} installs matrix-bot-sdk; without it the tests are skipped, saying so.
 */
class BotSdkInteropTest {

    private static final Path JS = InteropTest.INTEROP.resolve("js");
    private static final String BOT = "@_echo_bot:localhost";
    private static final String CS = "/_matrix/client/v3";

    /** The steps the bot reports, in order, when everything works. */
    private static final List<String> STEPS = List.of("ok: the application service listens for transactions",
            "ok: the bot's user registers through its intent", "ok: the bot joins the room it was invited to",
            "ok: the bot sets its display name", "ok: the bot greets the room",
            "ok: the bot receives @alice:localhost's message through a transaction", "ok: the bot answers in the room",
            "ok: the bot stops");

    @TempDir
    Path dir;

    private final String asToken = ServiceFixture.token();
    private final String hsToken = ServiceFixture.token();

    @BeforeAll
    static void installMatrixBotSdk() throws Exception {
        try {
            Process p = new ProcessBuilder("bash", InteropTest.INTEROP.resolve("install-clients.sh").toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(5, TimeUnit.MINUTES);
        } catch (IOException noBash) {
            // the assumptions below say what is missing
        }
        Assumptions.assumeTrue(Files.isDirectory(JS.resolve("node_modules/matrix-bot-sdk")),
                "matrix-bot-sdk is not installed (interop/install-clients.sh could not install it): the bot interop is skipped");
        Assumptions.assumeTrue(new ProcessBuilder("node", "--version").start().waitFor() == 0, "node is not installed");
    }

    /**
     * The bot registers its user through its intent (the as_token), joins alice's room, sets its profile, greets the room,
     * and answers alice's message, which reaches it through the homeserver's transactions.
     */
    @Test
    void aMatrixBotSdkServiceAnswersTheMessagesTheHomeserverPushesToIt() throws Exception {
        int servicePort;
        try (ServerSocket free = new ServerSocket(0)) {
            servicePort = free.getLocalPort();
        }
        ObjectNode registration = MatrixJson.mapper().createObjectNode().put("id", "echo").put("url", "http://127.0.0.1:" + servicePort)
                .put("as_token", asToken).put("hs_token", hsToken).put("sender_localpart", "_echo_sender").put("rate_limited", false);
        ObjectNode namespaces = registration.putObject("namespaces");
        namespaces.putArray("users").addObject().put("exclusive", true).put("regex", "@_echo_.*:localhost");
        namespaces.putArray("aliases");
        namespaces.putArray("rooms");
        Path yaml = dir.resolve("echo.yaml");
        new ObjectMapper(new YAMLFactory()).writeValue(yaml.toFile(), registration);
        Path json = Files.writeString(dir.resolve("echo.json"), MatrixJson.write(registration));

        try (Homeserver server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), "sqlite",
                Optional.empty(), true, 0, 0).withAppServiceConfigFiles(List.of(yaml.toString())))) {
            Client hs = new Client(server.port());
            String alice = hs.call("POST", CS + "/register", null, "{\"username\":\"alice\",\"password\":\"alice's password\","
                    + "\"auth\":{\"type\":\"m.login.dummy\"}}").json().path("access_token").asText();
            Bot bot = Bot.start(List.of("node", "appservice_bot.mjs", "http://127.0.0.1:" + server.port(), json.toString(), BOT));
            try {
                bot.await("waiting: room");
                assertThat(hs.call("GET", CS + "/profile/" + ServiceFixture.seg(BOT), null, null).status()).as("the bot's user exists")
                        .isEqualTo(200);
                String room = hs.call("POST", CS + "/createRoom", alice, "{\"preset\":\"private_chat\",\"name\":\"echo test\",\"invite\":[\""
                        + BOT + "\"]}").json().path("room_id").asText();
                bot.say(room);
                bot.await("waiting: messages");
                String roomPath = CS + "/rooms/" + ServiceFixture.seg(room);
                assertThat(hs.call("GET", roomPath + "/joined_members", alice, null).json().path("joined").has(BOT)).as("joined").isTrue();
                assertThat(hs.call("GET", CS + "/profile/" + ServiceFixture.seg(BOT), null, null).json().path("displayname").asText())
                        .isEqualTo("Echo bot");
                assertThat(messagesOf(hs, roomPath, alice, BOT)).containsExactly("hello, I echo what you say");

                hs.call("PUT", roomPath + "/send/m.room.message/a1", alice, "{\"msgtype\":\"m.text\",\"body\":\"hello bot\"}");
                long until = System.currentTimeMillis() + 30_000;
                while (!messagesOf(hs, roomPath, alice, BOT).contains("echo: hello bot") && System.currentTimeMillis() < until) {
                    Thread.sleep(100);
                }
                assertThat(messagesOf(hs, roomPath, alice, BOT)).as(bot.output()).containsExactly("hello, I echo what you say",
                        "echo: hello bot");
                bot.say("done");
                assertThat(bot.exit()).as(bot.output()).isZero();
                assertThat(bot.steps()).as(bot.output()).containsExactlyElementsOf(STEPS);
            } finally {
                bot.kill();
            }
        }
    }

    /** The bodies of {@code sender}'s messages in the room, oldest first. */
    private static List<String> messagesOf(Client hs, String roomPath, String token, String sender) throws Exception {
        Reply page = hs.call("GET", roomPath + "/messages?dir=b&limit=50", token, null);
        List<String> bodies = new ArrayList<>();
        page.json().path("chunk").forEach(e -> {
            if (e.path("type").asText().equals("m.room.message") && e.path("sender").asText().equals(sender)) {
                bodies.add(e.path("content").path("body").asText());
            }
        });
        Collections.reverse(bodies);
        return bodies;
    }

    /** The node process: its output lines as they come, and its stdin. */
    private static final class Bot {

        private final Process process;
        private final Writer stdin;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        private Bot(Process process) {
            this.process = process;
            this.stdin = process.outputWriter(StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // the process is gone; its lines so far are kept
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        static Bot start(List<String> command) throws IOException {
            return new Bot(new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true).start());
        }

        void await(String line) throws InterruptedException {
            long until = System.currentTimeMillis() + 60_000;
            while (!lines.contains(line)) {
                assertThat(System.currentTimeMillis() < until && process.isAlive() || lines.contains(line))
                        .as("waiting for '" + line + "':\n" + output()).isTrue();
                Thread.sleep(50);
            }
        }

        void say(String line) throws IOException {
            stdin.write(line + "\n");
            stdin.flush();
        }

        int exit() throws InterruptedException {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as(output()).isTrue();
            return process.exitValue();
        }

        /** Its {@code ok:} and {@code FAILED:} lines, without the details in parentheses. */
        List<String> steps() {
            synchronized (lines) {
                return lines.stream().filter(l -> l.startsWith("ok: ") || l.startsWith("FAILED: ")).map(l -> l.replaceAll(" \\(.*", ""))
                        .toList();
            }
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        void kill() {
            process.destroyForcibly();
        }
    }
}
