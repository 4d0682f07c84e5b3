package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.MissingEventException;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.RoomFederation;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.storage.GraphStore;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.api.PathCodec;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fills the gap before an event from another server whose prev events this server lacks (server-server API, "when
 * a server receives an event whose prev events it lacks"), asking the server that sent it:
 *
 * <ol>
 *   <li>{@code POST /get_missing_events} from the room's forward extremities to the event, at most
 *       {@value #MISSING_LIMIT} events (a longer answer is cut), each of this room taken in through
 *       {@link RoomFederation#receive}, oldest first; the first that still lacks prev events is taken in with the state at
 *       them as in 2., any later one is left out;
 *   <li>if the event still lacks prev events: for each, {@code GET /state_ids} at it and {@code GET /event} of each
 *       event of that state and its auth chain not held here (at most {@value #MAX_STATE_EVENTS}), taken in as
 *       outliers oldest first (auth events before the events they authorise), the prev event itself too; then the
 *       event is taken in with the state after each missing prev event as {@code /state_ids} and the prev event
 *       give it ({@link RoomFederation#receive(ObjectNode, ServerKeys, Map)}), checked as every event is.
 * </ol>
 *
 * Every request is made once per event; nothing loops. A server that answers garbage, or names events it cannot
 * give, gets the event refused ({@code M_FORBIDDEN}); events it gave are kept as outliers at most, never as state.
 */
public final class MissingPrevEvents {

    /** How many missing events are asked for (the spec's default). */
    public static final int MISSING_LIMIT = 10;
    /** The most events of a state and its auth chain fetched to take in one event. */
    public static final int MAX_STATE_EVENTS = 2_000;

    /** Signed requests to another server ({@link FederationClient#send}). */
    @FunctionalInterface
    public interface Requests {
        FederationClient.Response send(String destination, String method, String uri, Optional<JsonNode> body) throws IOException;
    }

    private final RoomService rooms;
    private final GraphStore graph;
    private final Requests requests;
    private final ServerKeys keys;

    public MissingPrevEvents(RoomService rooms, GraphStore graph, Requests requests, ServerKeys keys) {
        this.rooms = rooms;
        this.graph = graph;
        this.requests = requests;
        this.keys = keys;
    }

    /**
     * Takes in {@code pdu}, sent by {@code origin}, after filling the gap before it.
     *
     * @throws MatrixException when {@code origin} does not give what the event needs, or the event is invalid
     * @throws MissingEventException when an auth event of the event stays unknown
     */
    public RoomFederation.Received receive(String origin, ObjectNode pdu) {
        String roomId = pdu.path("room_id").asText("");
        RoomVersion version = RoomVersions.of(rooms.room(roomId).roomVersion()).orElseThrow();
        String eventId = EventIds.of(pdu, version).orElseThrow(() -> MatrixException.forbidden("the event has no ID"));
        Set<String> fetched = new LinkedHashSet<>();
        takeMissingEvents(origin, roomId, eventId, version, fetched);
        try {
            return rooms.federation().receive(pdu, keys);
        } catch (MissingEventException stillMissing) {
            return receiveWithStates(origin, roomId, pdu, version, fetched);
        }
    }

    /** Takes in {@code pdu} with the state after each prev event this server lacks, as {@code origin} gives it. */
    private RoomFederation.Received receiveWithStates(String origin, String roomId, ObjectNode pdu, RoomVersion version, Set<String> fetched) {
        Map<String, Map<StateKey, String>> states = new LinkedHashMap<>();
        for (JsonNode prev : pdu.path("prev_events")) {
            String prevId = prev.asText();
            boolean held = graph.graphRow(prevId).flatMap(GraphRow::stateAfter).isPresent();
            if (!held && !states.containsKey(prevId)) {
                states.put(prevId, stateAfter(origin, roomId, prevId, version, fetched));
            }
        }
        return rooms.federation().receive(pdu, keys, states);
    }

    /** Asks for the events between the room's extremities and {@code eventId}, and takes in those of this room. */
    private void takeMissingEvents(String origin, String roomId, String eventId, RoomVersion version, Set<String> fetched) {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        ArrayNode earliest = body.putArray("earliest_events");
        rooms.federation().forwardExtremities(roomId).forEach(earliest::add);
        body.putArray("latest_events").add(eventId);
        body.put("limit", MISSING_LIMIT);
        body.put("min_depth", 0); // the walk stops at our extremities and at the limit
        FederationClient.Response answer;
        try {
            answer = requests.send(origin, "POST", "/_matrix/federation/v1/get_missing_events/" + PathCodec.encodeSegment(roomId), Optional.of(body));
        } catch (IOException unreachable) {
            return;
        }
        if (answer.status() != 200) {
            return;
        }
        Map<String, ObjectNode> events = new LinkedHashMap<>();
        for (JsonNode e : answer.body().path("events")) {
            if (events.size() == MISSING_LIMIT) {
                break; // a longer answer is cut: the state at the gap covers the rest
            }
            if (e instanceof ObjectNode event && event.path("room_id").asText("").equals(roomId)) {
                EventIds.ofAny(event, version).filter(id -> !id.equals(eventId)).ifPresent(id -> events.putIfAbsent(id, event));
            }
        }
        List<ObjectNode> oldestFirst = new ArrayList<>(events.values());
        oldestFirst.sort(Comparator.comparingLong(e -> e.path("depth").asLong()));
        boolean stateAsked = false;
        for (ObjectNode event : oldestFirst) {
            try {
                try {
                    rooms.federation().receive(event, keys); // checked as every event: rejected ones are kept out of the state
                } catch (MissingEventException gap) {
                    if (stateAsked) {
                        throw gap;
                    }
                    stateAsked = true; // the oldest event beyond the gap is taken in with the state at it, once
                    receiveWithStates(origin, roomId, event, version, fetched);
                }
            } catch (MissingEventException | MatrixException notTaken) {
                // left out: the state at the event's missing prev events decides
            }
        }
    }

    /** The state after {@code prevId} as {@code origin} gives it, its events and the prev event taken in as outliers. */
    private Map<StateKey, String> stateAfter(String origin, String roomId, String prevId, RoomVersion version, Set<String> fetched) {
        Map<StateKey, String> state = stateAt(origin, roomId, prevId, version, fetched, true);
        Optional<GraphRow> prevRow = graph.graphRow(prevId);
        JsonNode prev = ClientEvents.parse(prevRow.orElseThrow().json());
        if (prev.path("state_key").isTextual() && prevRow.flatMap(GraphRow::status).equals(Optional.of(EventStatus.OUTLIER))) {
            state.put(new StateKey(prev.path("type").asText(), prev.path("state_key").asText()), prevId);
        }
        return state;
    }

    /**
     * The state before {@code eventId} as {@code origin} gives it ({@code /state_ids}), its events not held here fetched
     * and taken in as outliers, oldest first; with {@code andEvent}, the event itself too, last.
     */
    Map<StateKey, String> stateAt(String origin, String roomId, String eventId, RoomVersion version, Set<String> fetched,
            boolean andEvent) {
        String prevId = eventId;
        JsonNode ids = get(origin, "/_matrix/federation/v1/state_ids/" + PathCodec.encodeSegment(roomId) + "?event_id=" + PathCodec.encodeSegment(prevId), "/state_ids at " + prevId);
        List<String> stateIds = strings(ids.path("pdu_ids"), origin);
        List<String> chainIds = strings(ids.path("auth_chain_ids"), origin);
        Optional<ObjectNode> prev = andEvent ? Optional.of(fetch(origin, roomId, prevId, version)) : Optional.empty();
        Set<String> wanted = new LinkedHashSet<>(chainIds);
        wanted.addAll(stateIds);
        prev.ifPresent(p -> p.path("auth_events").forEach(a -> wanted.add(a.asText())));
        graph.graphRows(List.copyOf(wanted)).forEach(r -> wanted.remove(r.eventId()));
        wanted.removeAll(fetched);
        if (wanted.size() + fetched.size() > MAX_STATE_EVENTS) {
            throw MatrixException.forbidden(origin + " names more than " + MAX_STATE_EVENTS + " events in the state at " + prevId);
        }
        List<ObjectNode> outliers = new ArrayList<>();
        for (String id : wanted) {
            outliers.add(fetch(origin, roomId, id, version));
            fetched.add(id);
        }
        outliers.sort(Comparator.comparingLong(e -> e.path("depth").asLong()));
        prev.ifPresent(outliers::add);
        try {
            outliers.forEach(e -> rooms.federation().receiveOutlier(e, keys));
        } catch (MissingEventException incomplete) {
            throw MatrixException.forbidden(origin + " gave a state at " + prevId + " whose auth chain lacks " + incomplete.eventId());
        }
        Map<StateKey, String> state = new LinkedHashMap<>();
        for (GraphRow r : graph.graphRows(stateIds)) {
            JsonNode e = ClientEvents.parse(r.json());
            if (!e.path("state_key").isTextual()) {
                throw MatrixException.forbidden(origin + " names " + r.eventId() + ", not a state event, in the state at " + prevId);
            }
            state.put(new StateKey(e.path("type").asText(), e.path("state_key").asText()), r.eventId());
        }
        return state;
    }

    /** {@code GET /event/{eventId}} of {@code origin}: the event, checked to be the one asked for, of this room. */
    private ObjectNode fetch(String origin, String roomId, String eventId, RoomVersion version) {
        JsonNode pdus = get(origin, "/_matrix/federation/v1/event/" + PathCodec.encodeSegment(eventId), "the event " + eventId).path("pdus");
        if (pdus.size() != 1 || !(pdus.get(0) instanceof ObjectNode pdu) || !pdu.path("room_id").asText("").equals(roomId)
                || !EventIds.ofAny(pdu, version).equals(Optional.of(eventId))) {
            throw MatrixException.forbidden(origin + " did not give the event " + eventId + " of " + roomId);
        }
        return pdu;
    }

    private JsonNode get(String origin, String uri, String what) {
        try {
            FederationClient.Response r = requests.send(origin, "GET", uri, Optional.empty());
            if (r.status() != 200) {
                throw MatrixException.forbidden(origin + " answered " + r.status() + " when asked for " + what);
            }
            return r.body();
        } catch (IOException unreachable) {
            throw MatrixException.forbidden(origin + " could not be asked for " + what + ": " + unreachable.getMessage());
        }
    }

    private static List<String> strings(JsonNode array, String origin) {
        if (!array.isArray()) {
            throw MatrixException.forbidden(origin + " answered /state_ids without its ID lists");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode id : array) {
            if (!id.isTextual() || !id.asText().startsWith("$")) {
                throw MatrixException.forbidden(origin + " answered /state_ids with " + id + ", not an event ID");
            }
            out.add(id.asText());
        }
        return out;
    }
}
