package dev.mxspec.client.cli;

import dev.mxspec.client.sdk.Content;
import dev.mxspec.client.sdk.MatrixSession;
import dev.mxspec.client.sdk.SyncLoop;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import dev.mxspec.spec.v1_7.clientserver.ClientEventWithoutRoomID;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code thread} (show, post, follow) and {@code threads} (the list). */
final class ThreadCommands {

    private ThreadCommands() {}

    @Command(name = "thread", description = "Show the thread of a message, or post in it (m.thread) when a text is given; "
            + "--follow keeps printing its new messages until interrupted.")
    static final class Thread extends Stored {
        @Parameters(index = "0") String room;
        @Parameters(index = "1") String rootId;
        @Parameters(index = "2", arity = "0..1") String text;
        @Option(names = "--mention", paramLabel = "USER", description = "mention a user (m.mentions) in the text") String[] mentions = {};
        @Option(names = {"-f", "--follow"}, description = "keep printing new messages of the thread (like tail -f) until interrupted")
        boolean follow;

        @Override
        public Integer call() {
            MatrixSession s = session();
            if (text != null) {
                String id = s.send(room, "m.room.message", Content.mention(Content.thread(text, rootId), mentions));
                print(id, MatrixJson.mapper().createObjectNode().put("event_id", id));
                if (!follow) {
                    return 0;
                }
            }
            // the loop's position is taken before the replies are read, so that nothing falls between the two
            SyncLoop loop = follow ? s.syncLoop().skipHistory() : null;
            List<ClientEvent> replies = s.threads().replies(room, rootId);
            if (text == null) {
                if (json()) {
                    out().println(MatrixJson.write(replies));
                } else {
                    replies.forEach(e -> out().println(Lines.shown(e)));
                }
                out().flush();
            }
            if (follow) {
                follow(loop, replies);
            }
            return 0;
        }

        /**
         * Prints each new event of the thread: a reply ({@code m.thread} to the root) or an event
         * relating to a reply (an edit, a reaction), each once.
         */
        private void follow(SyncLoop loop, List<ClientEvent> shown) {
            Set<String> thread = ConcurrentHashMap.newKeySet();
            shown.forEach(e -> thread.add(e.eventId()));
            Set<String> printed = ConcurrentHashMap.newKeySet();
            printed.addAll(thread);
            loop.listen((roomId, e) -> {
                if (roomId.equals(room) && inThread(e, thread) && printed.add(e.eventId())) {
                    printLive(roomId, e);
                }
            });
            loop.run(30_000);
        }

        private boolean inThread(ClientEventWithoutRoomID e, Set<String> thread) {
            var rel = e.content().path("m.relates_to");
            String target = rel.path("event_id").asText("");
            if (rel.path("rel_type").asText("").equals("m.thread") && target.equals(rootId)) {
                thread.add(e.eventId());
                return true;
            }
            return thread.contains(target);
        }
    }

    @Command(name = "threads", description = "The threads of a room, most recently active first.")
    static final class ThreadList extends Stored {
        @Parameters(index = "0") String room;
        @Option(names = "--mine", description = "only threads you started or replied in") boolean mine;

        @Override
        public Integer call() {
            var threads = session().threads().list(room, mine);
            if (json()) {
                out().println(MatrixJson.write(threads));
            } else {
                threads.forEach(t -> out().println(t.root().eventId() + "  " + Lines.shown(t.root()) + "  [" + t.count()
                        + (t.count() == 1 ? " reply" : " replies") + t.latest().map(l -> ", latest: " + Lines.shown(l)).orElse("") + "]"));
            }
            return 0;
        }
    }
}
