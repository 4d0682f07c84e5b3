package dev.mxspec.client.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.ClientEventWithoutRoomID;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The relations seen in one room's timeline, as the sync loop delivers it: each thread's summary
 * (from the root's bundled {@code m.thread} aggregation, then every reply that arrives), reactions
 * per key ({@code m.annotation}; the server bundles none) and the latest edit of each event (the
 * bundled {@code m.replace}, then newer edits by the same sender). Redactions take reactions and
 * edits away. Each map keeps the {@value #KEPT} most recently touched events. Guarded by its
 * {@link Room}.
 */
final class Aggregations {

    static final int KEPT = 2_000;

    /** A thread as far as the loop knows it; {@code counted} is the bundled latest reply until it comes by live. */
    private static final class Thread {
        long replies;
        ClientEventWithoutRoomID latest;
        boolean participated;
        String counted;
        long countedTs;
    }

    private final String me;
    private final Map<String, Thread> threads = kept();
    private final Map<String, Map<String, Set<String>>> reactions = kept();
    private final Map<String, List<ClientEventWithoutRoomID>> edits = kept();
    /** Sender of each event seen, for checking that an edit comes from the original's sender. */
    private final Map<String, String> senders = kept();

    Aggregations(String me) {
        this.me = me;
    }

    private static <K, V> Map<K, V> kept() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > KEPT;
            }
        };
    }

    void add(ClientEventWithoutRoomID e) {
        senders.put(e.eventId(), e.sender());
        JsonNode bundled = MatrixJson.tree(e).path("unsigned").path("m.relations");
        if (bundled.path("m.thread").isObject()) {
            summarize(e.eventId(), bundled.get("m.thread"));
        }
        if (bundled.path("m.replace").isObject()) {
            edit(e.eventId(), event(bundled.get("m.replace")));
        }
        JsonNode rel = e.content().path("m.relates_to");
        String target = rel.path("event_id").asText("");
        switch (rel.path("rel_type").asText("")) {
            case "m.thread" -> reply(target, e);
            case "m.annotation" -> {
                if (e.type().equals("m.reaction") && rel.path("key").isTextual()) {
                    reactions.computeIfAbsent(target, t -> new LinkedHashMap<>())
                            .computeIfAbsent(rel.get("key").asText(), k -> new LinkedHashSet<>()).add(e.eventId());
                }
            }
            case "m.replace" -> {
                if (e.stateKey().isEmpty() && e.content().path("m.new_content").isObject()
                        && senders.getOrDefault(target, e.sender()).equals(e.sender())) {
                    edit(target, e);
                }
            }
            default -> { }
        }
        if (e.type().equals("m.room.redaction")) {
            JsonNode redacts = MatrixJson.tree(e).path("redacts");
            redacted((redacts.isTextual() ? redacts : e.content().path("redacts")).asText(""));
        }
    }

    private void summarize(String root, JsonNode bundle) {
        Thread t = threads.computeIfAbsent(root, r -> new Thread());
        t.replies = bundle.path("count").asLong(0);
        t.participated = bundle.path("current_user_participated").asBoolean(false);
        if (bundle.path("latest_event").isObject()) {
            t.latest = event(bundle.get("latest_event"));
            t.counted = t.latest.eventId();
            t.countedTs = t.latest.originServerTs();
        }
    }

    /** A reply arriving: counted unless the bundle of its root already counted it (replies come in order). */
    private void reply(String root, ClientEventWithoutRoomID e) {
        Thread t = threads.computeIfAbsent(root, r -> new Thread());
        if (t.counted != null) {
            if (e.eventId().equals(t.counted)) {
                t.counted = null;
                return;
            }
            if (e.originServerTs() <= t.countedTs) {
                return;
            }
            t.counted = null;
        }
        t.replies++;
        t.latest = e;
        t.participated |= e.sender().equals(me);
    }

    private void edit(String target, ClientEventWithoutRoomID edit) {
        List<ClientEventWithoutRoomID> list = edits.computeIfAbsent(target, t -> new ArrayList<>());
        if (list.stream().noneMatch(x -> x.eventId().equals(edit.eventId()))) {
            list.add(edit);
        }
    }

    private void redacted(String eventId) {
        reactions.values().forEach(byKey -> byKey.values().forEach(ids -> ids.remove(eventId)));
        reactions.values().forEach(byKey -> byKey.values().removeIf(Set::isEmpty));
        edits.values().forEach(list -> list.removeIf(x -> x.eventId().equals(eventId)));
        edits.remove(eventId);
        reactions.remove(eventId);
    }

    private static ClientEventWithoutRoomID event(JsonNode json) {
        return MatrixJson.mapper().convertValue(json, ClientEventWithoutRoomID.class);
    }

    Optional<Room.ThreadSummary> thread(String root) {
        Thread t = threads.get(root);
        return t == null ? Optional.empty() : Optional.of(new Room.ThreadSummary(root, t.replies, Optional.ofNullable(t.latest), t.participated));
    }

    /** Threads most recently active first. */
    List<Room.ThreadSummary> threads() {
        return List.copyOf(threads.keySet()).stream().map(r -> thread(r).orElseThrow())
                .sorted(Comparator.comparing((Room.ThreadSummary s) -> s.latest().map(ClientEventWithoutRoomID::originServerTs).orElse(0L))
                        .reversed())
                .toList();
    }

    Map<String, Integer> reactions(String target) {
        Map<String, Integer> out = new LinkedHashMap<>();
        reactions.getOrDefault(target, Map.of()).forEach((key, ids) -> out.put(key, ids.size()));
        return out;
    }

    /** The most recent edit: the highest {@code origin_server_ts}, then the highest event ID (as v1.7 says). */
    Optional<ClientEventWithoutRoomID> latestEdit(String target) {
        return edits.getOrDefault(target, List.of()).stream()
                .max(Comparator.comparing(ClientEventWithoutRoomID::originServerTs).thenComparing(ClientEventWithoutRoomID::eventId));
    }
}
