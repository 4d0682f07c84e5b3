package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Changes;
import dev.mxspec.homeserver.core.StreamCache;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.storage.Records.Relation;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.RelationStore;
import dev.mxspec.homeserver.storage.RoomStore;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Relations between events ("Forming relationships between events"): the checks on a new child
 * (one annotation per user, key and type: {@code M_DUPLICATE_ANNOTATION}; a thread cannot start
 * from an event that relates to another; a parent in another room is refused), and the bundled
 * aggregations clients find in {@code unsigned.m.relations}: {@code m.thread} (latest event,
 * count, whether the reader took part), {@code m.replace} (v1.7: the most recent valid
 * replacement, whole; the original's content unchanged) and {@code m.reference} (the IDs). Not
 * {@code m.annotation}, as v1.7 says. Children the reader may not see, or sent by users he
 * ignores, are left out; a redacted child relates to nothing.
 */
public final class Relations {

    /** How an aggregation reads events and knows what the reader may see. */
    public record Reader(String userId, String deviceId, Predicate<StoredEvent> visible, Set<String> ignored, long now) {}

    private final RelationStore store;
    private final RoomStore events;
    private final StreamCache<Set<String>> parents;

    public Relations(RelationStore store, RoomStore events, StreamCounter stream) {
        this.store = store;
        this.events = events;
        this.parents = new StreamCache<>(stream);
    }

    /** Checks a new event's relation before it is sent. */
    public void check(String roomId, String sender, String type, JsonNode content) {
        Optional<Relation> relation = Relation.of("", roomId, sender, type, content, 0);
        if (relation.isEmpty()) {
            return;
        }
        Relation r = relation.get();
        Optional<StoredEvent> parent = events.event(r.relatesTo());
        if (parent.isPresent() && !parent.get().roomId().equals(roomId)) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "an event can only relate to an event of its own room");
        }
        if (r.relType().equals("m.annotation") && r.key().isPresent() && store.hasAnnotation(r.relatesTo(), sender, type, r.key().get())) {
            throw new MatrixException(400, "M_DUPLICATE_ANNOTATION", "you already reacted to that event with " + r.key().get());
        }
        if (r.relType().equals("m.thread") && parent.isPresent()
                && ClientEvents.parse(parent.get().json()).path("content").path("m.relates_to").has("rel_type")) {
            throw new MatrixException(400, ErrorCodes.M_UNKNOWN, "a thread cannot start from an event that relates to another event");
        }
    }

    /** The events of a room that have children, kept until a relation in the room changes. */
    private Set<String> parentsIn(String roomId) {
        return parents.get(Changes.relations(roomId), () -> Set.copyOf(store.parentsIn(roomId)));
    }

    /**
     * Adds {@code unsigned.m.relations} to each client event of {@code roomId} that has children
     * (the events as {@code ClientEvents} made them, with {@code event_id}). One read for all of them;
     * none for a room without relations.
     */
    public void bundle(String roomId, List<ObjectNode> clientEvents, Reader reader) {
        Set<String> withChildren = parentsIn(roomId);
        if (withChildren.isEmpty()) {
            return;
        }
        List<ObjectNode> targets = clientEvents.stream().filter(e -> withChildren.contains(e.path("event_id").asText())).toList();
        if (targets.isEmpty()) {
            return;
        }
        Map<String, List<Relation>> byParent = new HashMap<>();
        for (Relation r : store.relationsTo(targets.stream().map(e -> e.path("event_id").asText()).distinct().toList())) {
            byParent.computeIfAbsent(r.relatesTo(), p -> new ArrayList<>()).add(r);
        }
        Map<String, StoredEvent> children = new HashMap<>();
        List<String> wanted = byParent.values().stream().flatMap(List::stream)
                .filter(r -> r.relType().equals("m.thread") || r.relType().equals("m.replace")).map(Relation::eventId).toList();
        events.events(wanted).forEach(e -> children.put(e.eventId(), e));
        for (ObjectNode target : targets) {
            List<Relation> rels = byParent.getOrDefault(target.path("event_id").asText(), List.of());
            ObjectNode aggregated = aggregate(target, rels, children, reader);
            if (!aggregated.isEmpty()) {
                target.withObjectProperty("unsigned").set("m.relations", aggregated);
            }
        }
    }

    private ObjectNode aggregate(ObjectNode parent, List<Relation> rels, Map<String, StoredEvent> children, Reader reader) {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        List<StoredEvent> thread = rels.stream().filter(r -> r.relType().equals("m.thread") && !reader.ignored().contains(r.sender()))
                .map(r -> children.get(r.eventId())).filter(e -> e != null && reader.visible().test(e)).toList();
        if (!thread.isEmpty()) {
            StoredEvent latest = thread.getLast();
            ObjectNode latestJson = ClientEvents.of(latest, reader.userId(), reader.deviceId(), reader.now(), true);
            replacement(latestJson, latest, children, reader);
            ObjectNode summary = out.putObject("m.thread");
            summary.set("latest_event", latestJson);
            summary.put("count", thread.size());
            summary.put("current_user_participated", parent.path("sender").asText().equals(reader.userId())
                    || thread.stream().anyMatch(e -> e.sender().equals(reader.userId())));
        }
        List<Relation> edits = rels.stream().filter(r -> r.relType().equals("m.replace")).toList();
        Optional<ObjectNode> edit = latestValidEdit(parent, edits, children, reader);
        edit.ifPresent(e -> out.set("m.replace", e));
        List<Relation> references = rels.stream().filter(r -> r.relType().equals("m.reference")).toList();
        if (!references.isEmpty()) {
            references.forEach(r -> out.withObjectProperty("m.reference").withArrayProperty("chunk").addObject().put("event_id", r.eventId()));
        }
        return out;
    }

    /** Bundles the latest edit of a thread's latest event into it (its own relations were not read with the roots'). */
    private void replacement(ObjectNode json, StoredEvent event, Map<String, StoredEvent> children, Reader reader) {
        List<Relation> edits = store.relationsTo(List.of(event.eventId())).stream().filter(r -> r.relType().equals("m.replace")).toList();
        if (edits.isEmpty()) {
            return;
        }
        Map<String, StoredEvent> known = new HashMap<>(children);
        events.events(edits.stream().map(Relation::eventId).filter(id -> !known.containsKey(id)).toList())
                .forEach(e -> known.put(e.eventId(), e));
        latestValidEdit(json, edits, known, reader).ifPresent(e -> json.withObjectProperty("unsigned").withObjectProperty("m.relations")
                .set("m.replace", e));
    }

    /**
     * The most recent valid replacement of {@code original} (v1.7: by {@code origin_server_ts}, then the
     * larger event ID): same sender and type, neither a state event, the original not itself an edit and
     * not redacted, and (unencrypted) {@code m.new_content} present.
     */
    private Optional<ObjectNode> latestValidEdit(ObjectNode original, List<Relation> edits, Map<String, StoredEvent> children,
            Reader reader) {
        if (edits.isEmpty() || original.has("state_key") || original.path("unsigned").has("redacted_because")
                || original.path("content").path("m.relates_to").path("rel_type").asText().equals("m.replace")) {
            return Optional.empty();
        }
        String sender = original.path("sender").asText();
        String type = original.path("type").asText();
        return edits.stream().map(r -> children.get(r.eventId()))
                .filter(e -> e != null && e.sender().equals(sender) && e.type().equals(type) && e.stateKey().isEmpty())
                .filter(reader.visible())
                .filter(e -> e.type().equals("m.room.encrypted")
                        || ClientEvents.parse(e.json()).path("content").path("m.new_content").isObject())
                .max(Comparator.comparingLong(StoredEvent::originServerTs).thenComparing(StoredEvent::eventId))
                .map(e -> ClientEvents.of(e, reader.userId(), reader.deviceId(), reader.now(), true));
    }

    /** Children of a parent for {@code /relations}, newest first when {@code backwards}. */
    public List<StoredEvent> children(String parentId, Optional<String> relType, Optional<String> eventType, long after, long upTo,
            int limit, boolean backwards) {
        return store.children(parentId, relType, eventType, after, upTo, limit, backwards);
    }

    /** Threads of a room for {@code /threads}: roots with the position of their latest event. */
    public List<dev.mxspec.homeserver.storage.Records.ThreadRoot> threads(String roomId, Optional<String> participant, long before,
            int limit) {
        return store.threads(roomId, participant, before, limit);
    }

    /** Event IDs to events, in the order asked. */
    public Map<String, StoredEvent> events(List<String> ids) {
        Map<String, StoredEvent> out = new LinkedHashMap<>();
        Map<String, StoredEvent> found = new HashMap<>();
        events.events(ids).forEach(e -> found.put(e.eventId(), e));
        ids.forEach(id -> {
            if (found.containsKey(id)) {
                out.put(id, found.get(id));
            }
        });
        return out;
    }
}
