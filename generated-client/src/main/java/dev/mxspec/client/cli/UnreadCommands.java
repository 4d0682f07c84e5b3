package dev.mxspec.client.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.client.sdk.MatrixSession;
import dev.mxspec.client.sdk.Room;
import dev.mxspec.client.sdk.SyncLoop;
import dev.mxspec.client.sdk.Unread;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rooms} with what is unread in each, and {@code read} to mark a room or a thread read. */
final class UnreadCommands {

    private UnreadCommands() {}

    @Command(name = "rooms", description = "The rooms you are in, with your unread notifications and highlights (mentions, keywords) "
            + "in each, and in each thread that has any.")
    static final class Rooms extends Stored {
        @Override
        public Integer call() {
            MatrixSession s = session();
            List<String> joined = s.rooms();
            SyncLoop loop = s.syncLoop().skipHistory();
            List<String> lines = new ArrayList<>();
            ObjectNode json = MatrixJson.mapper().createObjectNode();
            json.set("joined_rooms", MatrixJson.tree(joined));
            ObjectNode details = json.putObject("rooms");
            for (String id : joined) {
                Optional<Room> room = loop.room(id);
                Optional<String> name = room.flatMap(Room::name);
                Unread unread = room.map(Room::unread).orElse(Unread.NONE);
                Map<String, Unread> threads = room.map(Room::unreadThreads).orElse(Map.of());
                lines.add(id + name.map(n -> "  " + n).orElse("") + (unread.any() ? "  [" + unread + "]" : ""));
                threads.forEach((root, counts) -> lines.add("  thread " + root + "  [" + counts + "]"));
                ObjectNode entry = details.putObject(id);
                name.ifPresent(n -> entry.put("name", n));
                counts(entry.putObject("unread"), unread);
                ObjectNode perThread = entry.putObject("threads");
                threads.forEach((root, counts) -> counts(perThread.putObject(root), counts));
            }
            print(String.join("\n", lines), json);
            return 0;
        }

        private static void counts(ObjectNode out, Unread unread) {
            out.put("notification_count", unread.notifications()).put("highlight_count", unread.highlights());
        }
    }

    @Command(name = "read", description = "Mark a room read, threads included (an unthreaded receipt on its latest event), "
            + "or with --thread one thread (a receipt with thread_id on its latest reply).")
    static final class Read extends Stored {
        @Parameters(index = "0") String room;
        @Option(names = "--thread", paramLabel = "ROOT", description = "only this thread, by its root's event ID") String thread;
        @Option(names = "--event", description = "read up to this event instead of the latest") String event;
        @Option(names = "--private", description = "a private receipt (m.read.private): only your own devices see it") boolean hidden;

        @Override
        public Integer call() {
            MatrixSession s = session();
            Optional<String> threadId = Optional.ofNullable(thread);
            String marked;
            if (event != null) {
                s.markRead(room, event, hidden, threadId);
                marked = event;
            } else {
                marked = threadId.isPresent() ? s.markThreadRead(room, thread, hidden) : s.markRoomRead(room, hidden);
            }
            ObjectNode json = MatrixJson.mapper().createObjectNode().put("event_id", marked).put("receipt_type",
                    hidden ? "m.read.private" : "m.read");
            threadId.ifPresent(t -> json.put("thread_id", t));
            print("read up to " + marked + threadId.map(t -> " in thread " + t).orElse(""), json);
            return 0;
        }
    }
}
