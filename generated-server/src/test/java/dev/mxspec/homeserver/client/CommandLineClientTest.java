package dev.mxspec.homeserver.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.client.cli.Main;
import dev.mxspec.homeserver.core.PushSettings;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The command-line client (generated-client) against the reference homeserver: two users chat, react, edit and thread. */
class CommandLineClientTest extends CommandLineTests {

    @Override
    ServerConfig configure(ServerConfig config) {
        return config.withPush(new PushSettings(true, true));
    }

    @Test
    void threadsListedAndShownAndHistoryWithEditsAppliedAndReactionsCounted() throws Exception {
        cli("register", "--homeserver", url, "alice", "--password", "alice-password");
        cli("register", "--homeserver", url, "bob", "--password", "bob-password");
        String room = cli("--user", "@alice:localhost", "create-room", "--name", "Tea", "--invite", "@bob:localhost").out();
        cli("--user", "@bob:localhost", "join", room);
        String tea = cli("--user", "@alice:localhost", "send", room, "tea at 4?").out();
        String cake = cli("--user", "@alice:localhost", "send", room, "and cake").out();
        cli("--user", "@bob:localhost", "thread", room, tea, "yes please");
        cli("--user", "@alice:localhost", "thread", room, tea, "green or black?");
        cli("--user", "@alice:localhost", "thread", room, cake, "lemon");
        cli("--user", "@alice:localhost", "edit", room, tea, "tea at 5?");
        cli("--user", "@bob:localhost", "react", room, tea, "👍");
        cli("--user", "@alice:localhost", "react", room, tea, "👍");
        cli("--user", "@bob:localhost", "react", room, cake, "🍰");

        assertThat(cli("--user", "@bob:localhost", "threads", room).out().lines()).containsExactly(
                cake + "  @alice:localhost: and cake  [1 reply, latest: @alice:localhost: lemon (in thread " + cake + ")]",
                tea + "  @alice:localhost: tea at 5? (edited)  [2 replies, latest: @alice:localhost: green or black? (in thread " + tea + ")]");
        assertThat(cli("--user", "@bob:localhost", "threads", room, "--mine").out().lines()).hasSize(1).first().asString().startsWith(tea);
        assertThat(cli("--user", "@bob:localhost", "thread", room, tea).out().lines()).containsExactly(
                "@bob:localhost: yes please (in thread " + tea + ")",
                "@alice:localhost: green or black? (in thread " + tea + ")");
        assertThat(cli("--user", "@bob:localhost", "history", room, "--limit", "9").out().lines()).containsExactly(
                "@alice:localhost: tea at 5? (edited) [👍 2]",
                "@alice:localhost: and cake [🍰 1]",
                "@bob:localhost: yes please (in thread " + tea + ")",
                "@alice:localhost: green or black? (in thread " + tea + ")",
                "@alice:localhost: lemon (in thread " + cake + ")");
        Result unknown = cli("--user", "@bob:localhost", "thread", room, "$nonesuch");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("M_NOT_FOUND");
    }

    @Test
    void twoUsersChatReactEditAndThreadWhileTheOtherTails() throws Exception {
        assertThat(cli("register", "--homeserver", url, "alice", "--password", "alice-password").out())
                .isEqualTo("registered and logged in as @alice:localhost");
        assertThat(cli("register", "--homeserver", url, "bob", "--password", "bob-password").out())
                .isEqualTo("registered and logged in as @bob:localhost");
        assertThat(cli("whoami").out()).as("the last login is the current user").isEqualTo("@bob:localhost");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config/@alice:localhost.json"))))
                .isEqualTo("rw-------");

        String room = cli("--user", "@alice:localhost", "create-room", "--name", "Tea", "--invite", "@bob:localhost").out();
        assertThat(room).startsWith("!");
        assertThat(cli("--user", "@bob:localhost", "join", room).out()).isEqualTo("joined " + room);

        CompletableFuture<Result> tail = CompletableFuture.supplyAsync(() -> cli("--user", "@bob:localhost", "tail", room, "--count", "5"));
        // the tail's first sync (which skips what came before it) makes bob online: wait until it reached the server,
        // however long the tail took to start, then give it the time to answer
        await(() -> server.storage().presence("@bob:localhost").map(p -> p.presence().equals("online")).orElse(false));
        Thread.sleep(1500);
        String hello = cli("--user", "@alice:localhost", "send", room, "hello bob").out();
        String reaction = cli("--user", "@alice:localhost", "react", room, hello, "👍").out();
        cli("--user", "@alice:localhost", "edit", room, hello, "hello, bob");
        cli("--user", "@alice:localhost", "thread", room, hello, "about tea");
        cli("--user", "@alice:localhost", "reply", room, hello, "are you there?");

        Result tailed = tail.get();
        assertThat(tailed.code()).isZero();
        assertThat(tailed.out().lines()).containsExactly(
                "@alice:localhost: hello bob",
                "@alice:localhost reacted 👍 to " + hello,
                "@alice:localhost: * hello, bob (edit of " + hello + ")",
                "@alice:localhost: about tea (in thread " + hello + ")",
                "@alice:localhost: are you there? (reply to " + hello + ")");
        assertThat(reaction).startsWith("$");

        Result history = cli("--user", "@bob:localhost", "--json", "history", room, "--limit", "2");
        var events = MatrixJson.mapper().readTree(history.out());
        assertThat(events).hasSize(2);
        assertThat(events.get(1).path("content").path("body").asText()).isEqualTo("are you there?");

        // A file goes up with a progress bar, into the room, and comes down equal.
        Path file = dir.resolve("notes.txt");
        byte[] content = "tea at five\n".repeat(5000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(file, content);
        Result upload = cli("--user", "@alice:localhost", "--json", "upload", file.toString(), room, "--content-type", "text/plain");
        assertThat(upload.code()).as(upload.err()).isZero();
        assertThat(upload.err()).contains("upload");
        var uploaded = MatrixJson.mapper().readTree(upload.out());
        String mxc = uploaded.path("content_uri").asText();
        assertThat(mxc).startsWith("mxc://localhost/");
        Path copy = dir.resolve("copy.txt");
        Result download = cli("--user", "@bob:localhost", "download", mxc, copy.toString());
        assertThat(download.out()).isEqualTo("saved " + content.length + " bytes to " + copy);
        assertThat(Files.readAllBytes(copy)).isEqualTo(content);
        assertThat(cli("--user", "@bob:localhost", "history", room, "--limit", "1").out())
                .isEqualTo("@alice:localhost: notes.txt");
        assertThat(cli("--user", "@alice:localhost", "devices").out()).matches("[A-Z0-9]{10}  mxspec-client");

        assertThat(cli("--user", "@alice:localhost", "logout").out()).isEqualTo("logged out");
        Result afterLogout = cli("--user", "@alice:localhost", "whoami");
        assertThat(afterLogout.code()).isEqualTo(1);
        assertThat(afterLogout.err()).isEqualTo("error: not logged in: run login or register first");
        assertThat(cli("login", "--homeserver", url, "alice", "--password", "wrong").err())
                .isEqualTo("error: M_FORBIDDEN: invalid user name or password");
    }

    @Test
    void anExpiredSessionIsRefreshedAndStoredAgain() throws Exception {
        try (Homeserver shortLived = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data2").toString(), "sqlite",
                Optional.empty(), true, 0, 0, 1_000))) {
            String shortUrl = "http://127.0.0.1:" + shortLived.port();
            assertThat(cli("register", "--homeserver", shortUrl, "erin", "--password", "erin-password").code()).isZero();
            assertThat(cli("register", "--homeserver", shortUrl, "fred", "--password", "fred-password").code()).isZero();
            Path stored = dir.resolve("config/@erin:localhost.json");
            var before = MatrixJson.mapper().readTree(Files.readString(stored));

            Thread.sleep(1_500);
            Result whoami = cli("--user", "@erin:localhost", "whoami");

            assertThat(whoami.out()).as(whoami.err()).isEqualTo("@erin:localhost");
            var after = MatrixJson.mapper().readTree(Files.readString(stored));
            assertThat(after.path("access_token").asText()).isNotEqualTo(before.path("access_token").asText());
            assertThat(after.path("refresh_token").asText()).isNotEqualTo(before.path("refresh_token").asText()).isNotEmpty();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored))).isEqualTo("rw-------");
            assertThat(Files.readString(dir.resolve("config/current")).strip()).as("a refresh does not change the current user")
                    .isEqualTo("@fred:localhost");
            Thread.sleep(1_500);
            assertThat(cli("--user", "@erin:localhost", "whoami").out()).as("the stored new refresh token works too")
                    .isEqualTo("@erin:localhost");
        }
    }

    /** Alice and bob registered, in a public room named Tea that bob joined (no invite to notify him of). */
    private String teaRoom() {
        cli("register", "--homeserver", url, "alice", "--password", "alice-password");
        cli("register", "--homeserver", url, "bob", "--password", "bob-password");
        String room = cli("--user", "@alice:localhost", "create-room", "--name", "Tea", "--public").out();
        cli("--user", "@bob:localhost", "join", room);
        return room;
    }

    private static Result alice(String... args) {
        return as("@alice:localhost", args);
    }

    private static Result bob(String... args) {
        return as("@bob:localhost", args);
    }

    private static Result as(String user, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--user";
        all[1] = user;
        System.arraycopy(args, 0, all, 2, args.length);
        return cli(all);
    }

    @Test
    void roomsShowUnreadAndHighlightCountsPerRoomAndThreadUntilRead() throws Exception {
        String room = teaRoom();
        assertThat(bob("rooms").out()).isEqualTo(room + "  Tea");

        String root = alice("send", room, "tea?").out();
        alice("send", room, "bob, green or black?", "--mention", "@bob:localhost");
        assertThat(bob("rooms").out()).isEqualTo(room + "  Tea  [2 unread, 1 highlighted]");

        String milk = alice("thread", room, root, "milk?", "--mention", "@bob:localhost").out();
        assertThat(bob("rooms").out().lines()).containsExactly(
                room + "  Tea  [3 unread, 2 highlighted]",
                "  thread " + root + "  [1 unread, 1 highlighted]");
        var json = MatrixJson.mapper().readTree(bob("--json", "rooms").out());
        assertThat(json.path("joined_rooms")).isEqualTo(MatrixJson.tree(java.util.List.of(room)));
        assertThat(json.path("rooms").path(room)).isEqualTo(MatrixJson.mapper().readTree("{\"name\":\"Tea\","
                + "\"unread\":{\"notification_count\":3,\"highlight_count\":2},"
                + "\"threads\":{\"" + root + "\":{\"notification_count\":1,\"highlight_count\":1}}}"));

        assertThat(bob("read", room, "--thread", root).out()).isEqualTo("read up to " + milk + " in thread " + root);
        assertThat(bob("rooms").out()).as("the thread is read, the main timeline is not").isEqualTo(room + "  Tea  [2 unread, 1 highlighted]");
        assertThat(bob("read", room, "--private").out()).isEqualTo("read up to " + milk);
        assertThat(bob("rooms").out()).isEqualTo(room + "  Tea");
        assertThat(alice("rooms").out()).as("alice's own messages never counted for her").isEqualTo(room + "  Tea");
    }

    @Test
    void notificationsAreListedNewestFirstInPages() throws Exception {
        String room = teaRoom();
        String one = alice("send", room, "one").out();
        alice("send", room, "two, bob", "--mention", "@bob:localhost");
        alice("send", room, "three");
        assertThat(bob("read", room, "--event", one).out()).isEqualTo("read up to " + one);

        List<String> first = bob("notifications", "--limit", "2").out().lines().toList();
        assertThat(first).hasSize(3);
        assertThat(first.subList(0, 2)).containsExactly(
                room + "  @alice:localhost: three  [unread]",
                room + "  @alice:localhost: two, bob  [unread, highlight]");
        assertThat(first.get(2)).startsWith("more: --from ");
        String from = first.get(2).substring("more: --from ".length());
        assertThat(bob("notifications", "--from", from).out()).isEqualTo(room + "  @alice:localhost: one");
        assertThat(bob("notifications", "--only-highlight").out()).isEqualTo(room + "  @alice:localhost: two, bob  [unread, highlight]");
        assertThat(alice("notifications").out()).as("alice was notified of nothing").isEmpty();
        var json = MatrixJson.mapper().readTree(bob("--json", "notifications", "--limit", "3").out());
        assertThat(json.path("notifications")).hasSize(3);
        assertThat(json.path("notifications").get(1).path("highlight").asBoolean()).isTrue();
        assertThat(json.path("notifications").get(2).path("read").asBoolean()).isTrue();
    }

    @Test
    void pushersAreSetListedAndRemovedAndBadGatewaysRefused() {
        teaRoom();
        String gateway = "http://127.0.0.1:9/_matrix/push/v1/notify";
        assertThat(bob("pushers").out()).isEmpty();
        assertThat(bob("pushers", "set", "--app-id", "org.example.tea", "--pushkey", "bob-laptop", "--url", gateway,
                "--format", "event_id_only").out()).isEqualTo("pusher set: org.example.tea bob-laptop");
        assertThat(bob("pushers").out())
                .isEqualTo("org.example.tea  bob-laptop  " + gateway + "  event_id_only  (org.example.tea on mxspec-client, en)");
        assertThat(alice("pushers").out()).as("pushers are per user").isEmpty();

        Result notHers = alice("pushers", "remove", "--app-id", "org.example.tea", "--pushkey", "bob-laptop");
        assertThat(notHers.code()).isEqualTo(1);
        assertThat(notHers.err()).isEqualTo("error: you have no pusher with app ID org.example.tea and pushkey bob-laptop");
        assertThat(bob("pushers").out()).as("bob's pusher is still there").startsWith("org.example.tea  bob-laptop");

        assertThat(bob("pushers", "remove", "--app-id", "org.example.tea", "--pushkey", "bob-laptop").out())
                .isEqualTo("pusher removed: org.example.tea bob-laptop");
        assertThat(bob("pushers").out()).isEmpty();

        Result wrongPath = bob("pushers", "set", "--app-id", "org.example.tea", "--pushkey", "k", "--url", "http://127.0.0.1:9/notify");
        assertThat(wrongPath.code()).isEqualTo(1);
        assertThat(wrongPath.err()).isEqualTo(
                "error: M_INVALID_PARAM: data.url must be an http(s) URL with the path /_matrix/push/v1/notify and no query");
        Result notAUrl = bob("pushers", "set", "--app-id", "org.example.tea", "--pushkey", "k", "--url", "no url at all");
        assertThat(notAUrl.code()).isEqualTo(1);
        assertThat(notAUrl.err()).startsWith("error: M_INVALID_PARAM: data.url is not a URL").doesNotContain("\n");
        assertThat(bob("pushers").out()).isEmpty();
    }

    @Test
    void threadFollowPrintsNewMessagesOfTheThreadUntilInterrupted() throws Exception {
        String room = teaRoom();
        String root = alice("send", room, "tea?").out();
        alice("thread", room, root, "green");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int[] code = {-1};
        Thread follow = Thread.ofPlatform().start(() -> code[0] = Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "--user", "@bob:localhost", "thread", room, root, "--follow"));
        await(() -> out.toString().contains("green"));

        String black = alice("thread", room, root, "black").out();
        alice("react", room, black, "👍");
        alice("send", room, "not in the thread");
        alice("thread", room, root, "oolong");
        await(() -> out.toString().contains("oolong"));
        follow.interrupt();
        follow.join(5_000);

        assertThat(follow.isAlive()).as("interrupted, it stops").isFalse();
        assertThat(code[0]).as(err.toString()).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "@alice:localhost: green (in thread " + root + ")",
                "@alice:localhost: black (in thread " + root + ")",
                "@alice:localhost reacted 👍 to " + black,
                "@alice:localhost: oolong (in thread " + root + ")");
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(end);
            Thread.sleep(50);
        }
    }

    @Test
    void serverErrorsAreOneClearLineAndAFailingExitCode() {
        String room = teaRoom();
        String root = alice("send", room, "tea?").out();
        cli("register", "--homeserver", url, "carol", "--password", "carol-password");
        for (String[] command : List.of(
                new String[] {"read", "not-a-room-id"},
                new String[] {"read", "!nowhere:localhost"},
                new String[] {"read", room},
                new String[] {"read", room, "--thread", "$nonesuch"},
                new String[] {"thread", "!nowhere:localhost", root, "--follow"},
                new String[] {"rooms", "--nonsense"})) {
            Result r = as("@carol:localhost", command);
            assertThat(r.code()).as(String.join(" ", command) + ": " + r.err()).isNotZero();
            assertThat(r.err()).as(String.join(" ", command)).doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(as("@carol:localhost", "read", "not-a-room-id").err()).startsWith("error: M_INVALID_PARAM: ");
        assertThat(as("@carol:localhost", "read", room).err()).as("carol is not in the room").startsWith("error: M_FORBIDDEN: ");
        Result unreachable = cli("login", "--homeserver", "http://127.0.0.1:1", "carol", "--password", "carol-password");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.err()).isEqualTo("error: cannot reach the homeserver (ConnectException)");
    }
}
