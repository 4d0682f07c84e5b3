package dev.mxspec.client.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.client.sdk.Content;
import dev.mxspec.client.sdk.Credentials;
import dev.mxspec.client.sdk.MatrixSession;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code java -jar mxspec-client.jar <command>}: a Matrix client for the terminal, readable by people, JSON with --json. */
@Command(name = "mxspec-client", mixinStandardHelpOptions = true, version = "mxspec-client 0.1.0",
        description = "A Matrix client for the command line, on the client generated from Matrix spec v1.7.",
        subcommands = {Main.Register.class, Main.Login.class, Main.Logout.class, Main.Whoami.class, UnreadCommands.Rooms.class, Main.CreateRoom.class,
            ThreadCommands.ThreadList.class, Main.Join.class, Main.Invite.class, Main.Leave.class, Main.Send.class, Main.Reply.class, Main.Edit.class,
            Main.React.class, ThreadCommands.Thread.class, Main.History.class, Main.Tail.class, UnreadCommands.Read.class,
            PushCommands.NotificationList.class, PushCommands.Pushers.class, Main.Upload.class, Main.Download.class, Main.Devices.class,
            DiscoveryCommands.Spaces.class, DiscoveryCommands.Directory.class, DiscoveryCommands.Upgrade.class, DiscoveryCommands.Report.class,
            SearchCommand.class})
public final class Main {

    @Option(names = "--json", description = "Print JSON instead of text.", scope = CommandLine.ScopeType.INHERIT)
    boolean json;

    @Option(names = "--user", description = "Act as this stored user (default: the last one logged in).", scope = CommandLine.ScopeType.INHERIT)
    String user;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + describe(e));
            return 1;
        });
        return cli.execute(args);
    }

    /** A failure as one line: the server's error code and message, or what went wrong on the way to it. */
    static String describe(Exception e) {
        if (e instanceof MatrixException m) {
            return m.errcode() + ": " + m.error();
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.http.HttpConnectTimeoutException
                    || cause instanceof java.nio.channels.UnresolvedAddressException) {
                return "cannot reach the homeserver (" + cause.getClass().getSimpleName() + ")";
            }
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    @Command(name = "register", description = "Create an account and log in.")
    static final class Register extends Stored {
        @Option(names = "--homeserver", required = true) String homeserver;
        @Parameters(index = "0", description = "user name") String name;
        @Option(names = "--password", required = true, interactive = false) String password;

        @Override
        public Integer call() {
            Credentials c = MatrixSession.connect(homeserver).register(name, password);
            c.save();
            print("registered and logged in as " + c.userId(), MatrixJson.mapper().createObjectNode().put("user_id", c.userId())
                    .put("device_id", c.deviceId()));
            return 0;
        }
    }

    @Command(name = "login", description = "Log in and store the session.")
    static final class Login extends Stored {
        @Option(names = "--homeserver", required = true) String homeserver;
        @Parameters(index = "0", description = "user name or ID") String name;
        @Option(names = "--password", required = true) String password;

        @Override
        public Integer call() {
            Credentials c = MatrixSession.connect(homeserver).login(name, password);
            c.save();
            print("logged in as " + c.userId() + " (device " + c.deviceId() + ")", MatrixJson.mapper().createObjectNode()
                    .put("user_id", c.userId()).put("device_id", c.deviceId()));
            return 0;
        }
    }

    @Command(name = "logout", description = "Log out and forget the stored session.")
    static final class Logout extends Stored {
        @Override
        public Integer call() {
            MatrixSession s = session();
            s.logout();
            Credentials.load(Optional.ofNullable(main().user)).ifPresent(Credentials::delete);
            print("logged out", MatrixJson.mapper().createObjectNode());
            return 0;
        }
    }

    @Command(name = "whoami", description = "Who the stored session is.")
    static final class Whoami extends Stored {
        @Override
        public Integer call() {
            String me = session().whoami();
            print(me, MatrixJson.mapper().createObjectNode().put("user_id", me));
            return 0;
        }
    }

    @Command(name = "create-room", description = "Create a room.")
    static final class CreateRoom extends Stored {
        @Option(names = "--name") String name;
        @Option(names = "--public") boolean isPublic;
        @Option(names = "--invite", split = ",") List<String> invite = List.of();

        @Override
        public Integer call() {
            String id = session().createRoom(Optional.ofNullable(name), isPublic, invite);
            print(id, MatrixJson.mapper().createObjectNode().put("room_id", id));
            return 0;
        }
    }

    @Command(name = "join", description = "Join a room by ID or alias.")
    static final class Join extends Stored {
        @Parameters(index = "0") String room;

        @Override
        public Integer call() {
            String id = session().join(room);
            print("joined " + id, MatrixJson.mapper().createObjectNode().put("room_id", id));
            return 0;
        }
    }

    @Command(name = "invite", description = "Invite a user to a room.")
    static final class Invite extends Stored {
        @Parameters(index = "0") String room;
        @Parameters(index = "1") String userId;

        @Override
        public Integer call() {
            session().invite(room, userId);
            print("invited " + userId, MatrixJson.mapper().createObjectNode());
            return 0;
        }
    }

    @Command(name = "leave", description = "Leave a room.")
    static final class Leave extends Stored {
        @Parameters(index = "0") String room;

        @Override
        public Integer call() {
            session().leave(room);
            print("left " + room, MatrixJson.mapper().createObjectNode());
            return 0;
        }
    }

    @Command(name = "send", description = "Send a text message.")
    static final class Send extends Stored {
        @Parameters(index = "0") String room;
        @Parameters(index = "1") String text;
        @Option(names = "--mention", paramLabel = "USER", description = "mention a user (m.mentions): it highlights for them") String[] mentions = {};

        @Override
        public Integer call() {
            String id = session().send(room, "m.room.message", Content.mention(Content.text(text), mentions));
            print(id, MatrixJson.mapper().createObjectNode().put("event_id", id));
            return 0;
        }
    }

    @Command(name = "reply", description = "Reply to a message.")
    static final class Reply extends Stored {
        @Parameters(index = "0") String room;
        @Parameters(index = "1") String eventId;
        @Parameters(index = "2") String text;

        @Override
        public Integer call() {
            String id = session().reply(room, eventId, text);
            print(id, MatrixJson.mapper().createObjectNode().put("event_id", id));
            return 0;
        }
    }

    @Command(name = "edit", description = "Edit one of your messages (m.replace).")
    static final class Edit extends Stored {
        @Parameters(index = "0") String room;
        @Parameters(index = "1") String eventId;
        @Parameters(index = "2") String text;

        @Override
        public Integer call() {
            String id = session().edit(room, eventId, text);
            print(id, MatrixJson.mapper().createObjectNode().put("event_id", id));
            return 0;
        }
    }

    @Command(name = "react", description = "React to a message (m.annotation).")
    static final class React extends Stored {
        @Parameters(index = "0") String room;
        @Parameters(index = "1") String eventId;
        @Parameters(index = "2") String key;

        @Override
        public Integer call() {
            String id = session().react(room, eventId, key);
            print(id, MatrixJson.mapper().createObjectNode().put("event_id", id));
            return 0;
        }
    }

    @Command(name = "history", description = "The latest messages of a room.")
    static final class History extends Stored {
        @Parameters(index = "0") String room;
        @Option(names = "--limit", defaultValue = "20") int limit;

        @Override
        public Integer call() {
            List<ClientEvent> events = session().history(room, limit);
            if (json()) {
                out().println(MatrixJson.write(events));
            } else {
                var reactions = dev.mxspec.client.sdk.Threads.reactions(events);
                for (ClientEvent e : events) {
                    if (!e.type().equals("m.reaction") && !e.content().path("m.relates_to").path("rel_type").asText().equals("m.replace")) {
                        out().println(Lines.shown(e) + Lines.reactions(reactions.getOrDefault(e.eventId(), java.util.Map.of())));
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "tail", description = "Follow new messages as they arrive.")
    static final class Tail extends Stored {
        @Parameters(index = "0", arity = "0..1", description = "only this room") String room;
        @Option(names = "--count", description = "stop after this many events") Integer count;

        @Override
        public Integer call() {
            var loop = session().syncLoop().skipHistory();
            AtomicInteger seen = new AtomicInteger();
            loop.listen((roomId, e) -> {
                if (room != null && !room.equals(roomId)) {
                    return;
                }
                printLive(roomId, e);
                if (count != null && seen.incrementAndGet() >= count) {
                    loopStop(loop);
                }
            });
            loop.run(30_000);
            return 0;
        }

        private static void loopStop(dev.mxspec.client.sdk.SyncLoop loop) {
            loop.stop();
        }
    }

    private static me.tongfei.progressbar.ProgressBar bar(PrintWriter err, String task, long total) {
        return new me.tongfei.progressbar.ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" KiB", 1024)
                .setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(line -> {
                    err.print("\r" + line);
                    err.flush();
                })).build();
    }

    @Command(name = "upload", description = "Upload a file (with a progress bar) and, with a room, send it there.")
    static final class Upload extends Stored {
        @Parameters(index = "0") java.nio.file.Path file;
        @Parameters(index = "1", arity = "0..1", description = "room to send it to") String room;
        @Option(names = "--content-type") String contentType;

        @Override
        public Integer call() throws Exception {
            MatrixSession s = session();
            long size = java.nio.file.Files.size(file);
            String type = contentType != null ? contentType
                    : Optional.ofNullable(java.nio.file.Files.probeContentType(file)).orElse("application/octet-stream");
            String mxc;
            try (var progress = bar(spec.commandLine().getErr(), "upload", size)) {
                mxc = s.upload(file, type, progress::stepTo);
            }
            spec.commandLine().getErr().println();
            ObjectNode json = MatrixJson.mapper().createObjectNode().put("content_uri", mxc);
            if (room != null) {
                json.put("event_id", s.sendFile(room, mxc, file.getFileName().toString(), size, type));
            }
            print(mxc, json);
            return 0;
        }
    }

    @Command(name = "download", description = "Download an mxc:// URI into a file, with a progress bar.")
    static final class Download extends Stored {
        @Parameters(index = "0") String mxc;
        @Parameters(index = "1") java.nio.file.Path target;

        @Override
        public Integer call() {
            MatrixSession s = session();
            long[] total = {-1};
            me.tongfei.progressbar.ProgressBar[] progress = new me.tongfei.progressbar.ProgressBar[1];
            long bytes;
            try {
                bytes = s.download(mxc, target, t -> {
                    total[0] = t;
                    progress[0] = bar(spec.commandLine().getErr(), "download", t);
                }, n -> progress[0].stepTo(n));
            } finally {
                if (progress[0] != null) {
                    progress[0].close();
                }
            }
            spec.commandLine().getErr().println();
            print("saved " + bytes + " bytes to " + target, MatrixJson.mapper().createObjectNode().put("bytes", bytes)
                    .put("file", target.toString()));
            return 0;
        }
    }

    @Command(name = "devices", description = "Your devices.")
    static final class Devices extends Stored {
        @Override
        public Integer call() {
            var devices = session().api().getDevices(new dev.mxspec.spec.v1_7.clientserver.endpoints.GetDevices.Request()).devices()
                    .orElse(List.of());
            print(String.join("\n", devices.stream().map(d -> d.deviceId() + d.displayName().map(n -> "  " + n).orElse("")).toList()),
                    MatrixJson.tree(devices));
            return 0;
        }
    }
}
