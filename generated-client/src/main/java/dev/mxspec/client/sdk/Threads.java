package dev.mxspec.client.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import dev.mxspec.spec.v1_7.clientserver.GetRelatingEventsWithRelTypeDir;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRelatingEventsWithRelType;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetThreadRoots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Threads, edits and reactions as a reader sees them: a room's threads with their summaries (from
 * the server's bundled {@code m.thread} aggregation), the replies of one thread, the latest edit of
 * an event applied to its content, and reactions counted per key.
 */
public final class Threads {

    /** A thread: its root, how many replies, the latest one, and whether the reader took part. */
    public record Summary(ClientEvent root, long count, Optional<ClientEvent> latest, boolean participated) {}

    private final ClientServerClient api;

    Threads(ClientServerClient api) {
        this.api = api;
    }

    /** The room's threads, most recently active first (every page). */
    public List<Summary> list(String roomId, boolean onlyParticipated) {
        List<Summary> out = new ArrayList<>();
        Optional<String> from = Optional.empty();
        do {
            var page = api.getThreadRoots(new GetThreadRoots.Request(roomId,
                    Optional.of(new dev.mxspec.spec.v1_7.clientserver.GetThreadRootsInclude(onlyParticipated ? "participated" : "all")),
                    Optional.of(50L), from));
            for (ClientEvent root : page.chunk()) {
                JsonNode thread = MatrixJson.tree(root).path("unsigned").path("m.relations").path("m.thread");
                Optional<ClientEvent> latest = thread.has("latest_event")
                        ? Optional.of(MatrixJson.mapper().convertValue(thread.get("latest_event"), ClientEvent.class)) : Optional.empty();
                out.add(new Summary(root, thread.path("count").asLong(0), latest, thread.path("current_user_participated").asBoolean()));
            }
            from = page.nextBatch();
        } while (from.isPresent());
        return out;
    }

    /** The replies of a thread, oldest first (every page). */
    public List<ClientEvent> replies(String roomId, String rootId) {
        List<ClientEvent> out = new ArrayList<>();
        Optional<String> from = Optional.empty();
        do {
            var page = api.getRelatingEventsWithRelType(new GetRelatingEventsWithRelType.Request(roomId, rootId, "m.thread", from,
                    Optional.empty(), Optional.of(50L), Optional.of(GetRelatingEventsWithRelTypeDir.F)));
            out.addAll(page.chunk());
            from = page.nextBatch();
        } while (from.isPresent());
        return out;
    }

    /** The latest reply of a thread, if it has any. */
    public Optional<ClientEvent> latestReply(String roomId, String rootId) {
        return api.getRelatingEventsWithRelType(new GetRelatingEventsWithRelType.Request(roomId, rootId, "m.thread", Optional.empty(),
                Optional.empty(), Optional.of(1L), Optional.of(GetRelatingEventsWithRelTypeDir.B))).chunk().stream().findFirst();
    }

    /** The content to show for an event: that of its latest edit's {@code m.new_content} when the server bundled one. */
    public static JsonNode shownContent(ClientEvent event) {
        JsonNode edit = MatrixJson.tree(event).path("unsigned").path("m.relations").path("m.replace");
        JsonNode replacement = edit.path("content").path("m.new_content");
        return replacement.isObject() ? replacement : event.content();
    }

    /** Whether the server bundled an edit with the event. */
    public static boolean edited(ClientEvent event) {
        return MatrixJson.tree(event).path("unsigned").path("m.relations").has("m.replace");
    }

    /** Reactions among {@code events}: target event ID to key to how many. */
    public static Map<String, Map<String, Integer>> reactions(List<ClientEvent> events) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (ClientEvent e : events) {
            JsonNode rel = e.content().path("m.relates_to");
            if (e.type().equals("m.reaction") && rel.path("rel_type").asText().equals("m.annotation") && rel.path("key").isTextual()) {
                out.computeIfAbsent(rel.path("event_id").asText(), t -> new LinkedHashMap<>()).merge(rel.path("key").asText(), 1, Integer::sum);
            }
        }
        return out;
    }
}
