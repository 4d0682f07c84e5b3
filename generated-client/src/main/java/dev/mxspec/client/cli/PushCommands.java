package dev.mxspec.client.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.client.sdk.Notifications;
import dev.mxspec.client.sdk.Notifications.HttpPusher;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.Pusher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifications} (what notified you, newest first) and {@code pushers} (list, set, remove). */
final class PushCommands {

    private PushCommands() {}

    @Command(name = "notifications", description = "What notified you, newest first: each with its room, "
            + "marked unread (not read past yet) and highlight (a mention, a keyword).")
    static final class NotificationList extends Stored {
        @Option(names = "--only-highlight", description = "only those that highlight") boolean onlyHighlight;
        @Option(names = "--limit", defaultValue = "20", description = "at most this many (default ${DEFAULT-VALUE})") int limit;
        @Option(names = "--from", description = "continue where an earlier listing stopped (its 'more: --from' token)") String from;

        @Override
        public Integer call() {
            Notifications.Page page = session().notifications().list(Optional.ofNullable(from), limit, onlyHighlight);
            List<String> lines = new ArrayList<>();
            for (Notifications.Notification n : page.notifications()) {
                List<String> marks = new ArrayList<>();
                if (!n.read()) {
                    marks.add("unread");
                }
                if (n.highlight()) {
                    marks.add("highlight");
                }
                lines.add(n.roomId() + "  " + Lines.of(n.event().sender(), n.event().type(), n.event().content())
                        + (marks.isEmpty() ? "" : "  [" + String.join(", ", marks) + "]"));
            }
            page.next().ifPresent(next -> lines.add("more: --from " + next));
            print(String.join("\n", lines), page);
            return 0;
        }
    }

    @Command(name = "pushers", description = "Where the homeserver pushes your notifications: lists your pushers; "
            + "'pushers set' adds or changes one, 'pushers remove' removes one.",
            subcommands = {Pushers.SetPusher.class, Pushers.RemovePusher.class})
    static final class Pushers extends Stored {

        @Override
        public Integer call() {
            List<Pusher> pushers = session().notifications().pushers();
            print(String.join("\n", pushers.stream().map(Pushers::line).toList()), pushers);
            return 0;
        }

        private static String line(Pusher p) {
            return p.appId() + "  " + p.pushkey() + "  " + p.data().url().orElse("-") + p.data().format().map(f -> "  " + f).orElse("")
                    + "  (" + p.appDisplayName() + " on " + p.deviceDisplayName() + ", " + p.lang() + ")";
        }

        @Command(name = "set", description = "Add an http pusher, or change the one with the same app ID and pushkey.")
        static final class SetPusher extends Stored {
            @Option(names = "--app-id", required = true, description = "the application, reverse-DNS style (org.example.app)") String appId;
            @Option(names = "--pushkey", required = true, description = "the device's address at the push gateway") String pushkey;
            @Option(names = "--url", required = true, description = "the push gateway: https://host/_matrix/push/v1/notify") String url;
            @Option(names = "--format", description = "event_id_only: the gateway gets no message content") String format;
            @Option(names = "--app-name", description = "the application's name for people (default: the app ID)") String appName;
            @Option(names = "--device-name", defaultValue = "mxspec-client", description = "the device's name for people") String deviceName;
            @Option(names = "--lang", defaultValue = "en", description = "the language of the notifications") String lang;
            @Option(names = "--append", description = "keep other users' pushers with this app ID and pushkey") boolean append;

            @Override
            public Integer call() {
                session().notifications().setPusher(new HttpPusher(appId, pushkey, url, Optional.ofNullable(format),
                        appName != null ? appName : appId, deviceName, lang), append);
                print("pusher set: " + appId + " " + pushkey, identity(appId, pushkey));
                return 0;
            }
        }

        @Command(name = "remove", description = "Remove one of your pushers.")
        static final class RemovePusher extends Stored {
            @Option(names = "--app-id", required = true) String appId;
            @Option(names = "--pushkey", required = true) String pushkey;

            @Override
            public Integer call() {
                if (!session().notifications().removePusher(appId, pushkey)) {
                    throw new IllegalArgumentException("you have no pusher with app ID " + appId + " and pushkey " + pushkey);
                }
                print("pusher removed: " + appId + " " + pushkey, identity(appId, pushkey));
                return 0;
            }
        }

        private static ObjectNode identity(String appId, String pushkey) {
            return MatrixJson.mapper().createObjectNode().put("app_id", appId).put("pushkey", pushkey);
        }
    }
}
