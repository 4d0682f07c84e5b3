package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.MatrixIds;
import dev.mxspec.homeserver.rooms.MissingEventException;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.services.BackfilledEvents;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.storage.GraphStore;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.api.PathCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room's history from before this server joined it, asked of the servers in it (server-server API, "Backfilling and
 * retrieving missing events"): {@code GET /backfill} from the room's backward extremities, each server in turn until
 * one answers (the room creator's server first, then the room ID's, then the servers of the joined members), and the
 * events of the answer taken in oldest first through {@link BackfilledEvents}, checked as every received event is. An
 * event whose prev events are not held is judged on the state before it as that server gives it ({@code /state_ids}),
 * its events taken in as outliers first. Events the checks refuse are left out, the rest kept; a server that cannot be
 * reached or answers garbage is passed over.
 */
public final class Backfiller implements RoomReads.Backfill {

    private static final Logger LOG = LoggerFactory.getLogger(Backfiller.class);

    /** How many events one request asks for (the most a server of ours gives, {@link FederationReads#MAX_EVENTS}). */
    public static final int LIMIT = FederationReads.MAX_EVENTS;
    /** The most backward extremities one request names. */
    static final int MAX_EXTREMITIES = 20;

    private final RoomService rooms;
    private final GraphStore graph;
    private final BackfilledEvents intake;
    private final MissingPrevEvents.Requests requests;
    private final MissingPrevEvents states;
    private final ServerKeys keys;
    private final String serverName;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public Backfiller(RoomService rooms, GraphStore graph, BackfilledEvents intake, MissingPrevEvents.Requests requests, ServerKeys keys,
            String serverName) {
        this.rooms = rooms;
        this.graph = graph;
        this.intake = intake;
        this.requests = requests;
        this.states = new MissingPrevEvents(rooms, graph, requests, keys);
        this.keys = keys;
        this.serverName = serverName;
    }

    /** Asks the room's servers for the events before its backward extremities; whether any were taken in. */
    @Override
    public boolean backfill(String roomId) {
        ReentrantLock lock = locks.computeIfAbsent(roomId, r -> new ReentrantLock());
        lock.lock(); // one backfill of a room at a time: a second reader waits and finds the extremities moved
        try {
            List<String> extremities = graph.backwardExtremities(roomId);
            if (extremities.isEmpty()) {
                return false;
            }
            RoomVersion version = RoomVersions.of(rooms.room(roomId).roomVersion()).orElseThrow();
            StringBuilder uri = new StringBuilder("/_matrix/federation/v1/backfill/").append(PathCodec.encodeSegment(roomId)).append("?limit=").append(LIMIT);
            extremities.stream().limit(MAX_EXTREMITIES).forEach(id -> uri.append("&v=").append(PathCodec.encodeSegment(id)));
            for (String server : servers(roomId)) {
                try {
                    FederationClient.Response answer = requests.send(server, "GET", uri.toString(), Optional.empty());
                    if (answer.status() == 200 && answer.body().path("pdus").isArray()) {
                        int taken = take(server, roomId, version, answer.body().path("pdus"));
                        if (taken > 0) {
                            return true;
                        }
                    }
                } catch (IOException | RuntimeException failed) {
                    LOG.info("backfill of {} from {} failed: {}", roomId, server, failed.getMessage());
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The servers to ask: the creator's, the room ID's, then those of the joined members; never this one. */
    List<String> servers(String roomId) {
        Set<String> out = new LinkedHashSet<>();
        MatrixIds.serverOf(rooms.room(roomId).creator()).ifPresent(out::add);
        int colon = roomId.indexOf(':');
        if (colon > 0) {
            out.add(roomId.substring(colon + 1));
        }
        rooms.members(roomId).stream().filter(m -> m.membership().equals("join")).map(m -> MatrixIds.serverOf(m.userId()))
                .flatMap(Optional::stream).sorted().forEach(out::add);
        out.remove(serverName);
        return List.copyOf(out);
    }

    /** Takes in the events of an answer, oldest first; how many took a place in the history. */
    private int take(String origin, String roomId, RoomVersion version, JsonNode pdus) {
        Map<String, ObjectNode> events = new LinkedHashMap<>();
        for (JsonNode e : pdus) {
            if (events.size() == LIMIT) {
                break; // a longer answer is cut
            }
            if (e instanceof ObjectNode event && event.path("room_id").asText("").equals(roomId) && event.path("depth").canConvertToLong()) {
                EventIds.ofAny(event, version).filter(id -> !intake.placed(id)).ifPresent(id -> events.putIfAbsent(id, event));
            }
        }
        List<Map.Entry<String, ObjectNode>> oldestFirst = new ArrayList<>(events.entrySet());
        oldestFirst.sort(Comparator.comparingLong((Map.Entry<String, ObjectNode> e) -> e.getValue().path("depth").asLong())
                .thenComparing(Map.Entry::getKey));
        Map<String, Long> positions = new java.util.HashMap<>();
        for (int i = oldestFirst.size() - 1; i >= 0; i--) { // the older, the lower
            positions.put(oldestFirst.get(i).getKey(), intake.position());
        }
        Set<String> fetched = new HashSet<>();
        int taken = 0;
        for (Map.Entry<String, ObjectNode> e : oldestFirst) {
            try {
                intake.receive(e.getValue(), keys, statesAfterMissing(origin, roomId, e.getKey(), e.getValue(), version, fetched),
                        positions.get(e.getKey()));
                taken++;
            } catch (MatrixException | MissingEventException refused) {
                LOG.info("backfilled event {} of {} from {} left out: {}", e.getKey(), roomId, origin, refused.getMessage());
            }
        }
        return taken;
    }

    /**
     * For an event whose prev events are not all held with their state: the state before it as {@code origin} gives
     * it, standing for the state after each prev event it lacks. Empty when it lacks none.
     */
    private Map<String, Map<StateKey, String>> statesAfterMissing(String origin, String roomId, String eventId, ObjectNode pdu,
            RoomVersion version, Set<String> fetched) {
        List<String> prevs = new ArrayList<>();
        pdu.path("prev_events").forEach(p -> prevs.add(p.asText()));
        Set<String> held = new HashSet<>();
        graph.graphRows(prevs).stream().filter(r -> r.stateAfter().isPresent()).map(GraphRow::eventId).forEach(held::add);
        List<String> lacking = prevs.stream().filter(p -> !held.contains(p)).distinct().toList();
        if (lacking.isEmpty()) {
            return Map.of();
        }
        Map<StateKey, String> before = states.stateAt(origin, roomId, eventId, version, fetched, false);
        Map<String, Map<StateKey, String>> out = new LinkedHashMap<>();
        lacking.forEach(p -> out.put(p, before));
        return out;
    }
}
