package dev.mxspec.homeserver.federation.rooms;

import static dev.mxspec.homeserver.federation.rooms.FederationFixture.CAROL;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.REMOTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.PDUProcessingResults;
import dev.mxspec.spec.v1_7.serverserver.ServerServerSendTransactionRequest;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendTransaction;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A PDU whose prev events the server lacks: the gap filled from the origin's missing events, or taken with the
 * state the origin gives at the gap; hostile answers (other rooms' events, events failing their checks, garbage
 * state, events it cannot give, answers past the bound) never become state.
 */
class MissingPrevEventsTest {

    @TempDir
    java.nio.file.Path dir;

    private FederationFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    /** {@code remote.test} as the gap filler reaches it: its events by ID, the answers it gives, the requests it got. */
    private final class Remote implements MissingPrevEvents.Requests {
        final Map<String, ObjectNode> events = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        Function<ObjectNode, JsonNode> missing = body -> answer(List.of());
        Function<String, JsonNode> stateIds = this::honestStateIds;

        @Override
        public FederationClient.Response send(String destination, String method, String uri, Optional<JsonNode> body) {
            assertThat(destination).isEqualTo(REMOTE);
            String path = URLDecoder.decode(uri, StandardCharsets.UTF_8);
            if (path.startsWith("/_matrix/federation/v1/get_missing_events/")) {
                asked.add(method + " get_missing_events");
                return new FederationClient.Response(200, missing.apply((ObjectNode) body.orElseThrow()));
            }
            if (path.startsWith("/_matrix/federation/v1/state_ids/")) {
                asked.add(method + " state_ids");
                return new FederationClient.Response(200, stateIds.apply(path.substring(path.indexOf("event_id=") + 9)));
            }
            String id = path.substring("/_matrix/federation/v1/event/".length());
            asked.add(method + " event/" + id);
            ObjectNode e = events.get(id);
            if (e == null) {
                return new FederationClient.Response(404, MatrixJson.mapper().createObjectNode().put("errcode", "M_NOT_FOUND"));
            }
            ObjectNode tx = MatrixJson.mapper().createObjectNode().put("origin", REMOTE).put("origin_server_ts", 1);
            tx.putArray("pdus").add(e);
            return new FederationClient.Response(200, tx);
        }

        /** The state before any of carol's messages: the room's current state once she joined. */
        JsonNode honestStateIds(String eventId) {
            ObjectNode out = MatrixJson.mapper().createObjectNode();
            ArrayNode ids = out.putArray("pdu_ids");
            f.server.storage().currentState(f.roomId).values().forEach(ids::add);
            out.putArray("auth_chain_ids");
            return out;
        }

        /** Carol's messages, following {@code from}, each held by the remote. */
        List<ObjectNode> chain(String from, int n) throws Exception {
            List<ObjectNode> out = new ArrayList<>();
            String prev = from;
            long depth = f.server.storage().graphRow(from).orElseThrow().depth();
            for (int i = 1; i <= n; i++) {
                ObjectNode e = f.event(CAROL, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"c" + i + "\"}", List.of(prev),
                        carolsAuth(), depth + i);
                events.put(f.idOf(e), e);
                out.add(e);
                prev = f.idOf(e);
            }
            return out;
        }
    }

    private List<String> carolsAuth() {
        return List.of(f.state("m.room.create", ""), f.state("m.room.power_levels", ""), f.state("m.room.member", CAROL));
    }

    private static ObjectNode answer(List<? extends JsonNode> events) {
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        out.putArray("events").addAll(List.copyOf(events));
        return out;
    }

    private PDUProcessingResults send(Remote remote, ObjectNode pdu) {
        return f.fillingGapsFrom(remote).sendTransaction(FederationFixture.from(REMOTE), new SendTransaction.Request("g" + System.nanoTime(),
                new ServerServerSendTransactionRequest(REMOTE, System.currentTimeMillis(), List.of(pdu), Optional.empty(), Map.of())));
    }

    private Optional<String> error(PDUProcessingResults r, ObjectNode pdu) {
        return r.pdus().get(f.idOf(pdu)).error();
    }

    private List<String> ids(List<ObjectNode> events) {
        return events.stream().map(f::idOf).toList();
    }

    private List<String> timeline() throws Exception {
        List<String> ids = new ArrayList<>();
        f.aliceSync().path("timeline").path("events").forEach(e -> ids.add(e.path("event_id").asText()));
        return ids;
    }

    private Optional<EventStatus> status(String eventId) {
        return f.server.storage().graphRow(eventId).orElseThrow().status();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aShortGapIsFilledWithTheOriginsMissingEvents(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        Remote remote = new Remote();
        List<ObjectNode> chain = remote.chain(join, 4);
        List<String> extremities = f.extremities();
        List<ObjectNode> requests = new ArrayList<>();
        remote.missing = body -> {
            requests.add(body);
            return answer(chain.subList(0, 3));
        };

        PDUProcessingResults r = send(remote, chain.get(3));

        assertThat(error(r, chain.get(3))).isEmpty();
        assertThat(remote.asked).containsExactly("POST get_missing_events");
        ObjectNode expected = MatrixJson.mapper().createObjectNode();
        expected.putArray("earliest_events").addAll(extremities.stream().map(MatrixJson.mapper().getNodeFactory()::textNode).toList());
        expected.putArray("latest_events").add(f.idOf(chain.get(3)));
        expected.put("limit", 10).put("min_depth", 0);
        assertThat(requests).containsExactly(expected);
        List<String> timeline = timeline();
        assertThat(timeline.subList(timeline.size() - 4, timeline.size())).containsExactlyElementsOf(ids(chain));
        assertThat(f.extremities()).containsExactly(f.idOf(chain.get(3)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aLongGapIsTakenWithTheStateAtItsEdge(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        Map<List<String>, String> stateBefore = f.server.storage().currentState(f.roomId);
        Remote remote = new Remote();
        List<ObjectNode> chain = remote.chain(join, 26);
        remote.missing = body -> answer(chain.subList(15, 25)); // the ten closest to the event, oldest first

        PDUProcessingResults r = send(remote, chain.get(25));

        assertThat(error(r, chain.get(25))).isEmpty();
        String edge = f.idOf(chain.get(14));
        assertThat(remote.asked).containsExactly("POST get_missing_events", "GET state_ids", "GET event/" + edge);
        List<String> timeline = timeline();
        assertThat(timeline.subList(timeline.size() - 11, timeline.size())).containsExactlyElementsOf(ids(chain.subList(15, 26)));
        assertThat(status(edge)).contains(EventStatus.OUTLIER);
        assertThat(f.server.storage().graphRows(ids(chain.subList(0, 14)))).isEmpty();
        assertThat(f.server.storage().backwardExtremity(f.roomId, edge)).isTrue();
        assertThat(f.extremities()).containsExactlyInAnyOrder(join, f.idOf(chain.get(25))); // beside the one it does not reach
        assertThat(f.server.storage().currentState(f.roomId)).isEqualTo(stateBefore);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAnswerPastTheBoundIsCutAndNothingIsAskedTwice(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        Remote remote = new Remote();
        List<ObjectNode> chain = remote.chain(join, 41);
        List<ObjectNode> huge = new ArrayList<>(chain.subList(0, 40));
        huge.add(0, chain.get(40)); // the event itself, and each event twice
        huge.addAll(chain.subList(0, 40));
        remote.missing = body -> answer(huge);

        PDUProcessingResults r = send(remote, chain.get(40));

        assertThat(error(r, chain.get(40))).isEmpty();
        assertThat(remote.asked).containsExactly("POST get_missing_events", "GET state_ids", "GET event/" + f.idOf(chain.get(39)));
        List<String> taken = ids(chain.subList(0, 10));
        assertThat(f.server.storage().graphRows(taken)).allSatisfy(row -> assertThat(row.status()).isEmpty()).hasSize(10);
        assertThat(f.server.storage().graphRows(ids(chain.subList(10, 39)))).isEmpty();
        assertThat(status(f.idOf(chain.get(39)))).contains(EventStatus.OUTLIER);
        assertThat(status(f.idOf(chain.get(40)))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void missingEventsOfAnotherRoomOrFailingTheirChecksAreNotState(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        String otherRoom = f.client("POST", "/createRoom", f.alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
        Map<List<String>, String> otherState = f.server.storage().currentState(otherRoom);
        Map<List<String>, String> state = f.server.storage().currentState(f.roomId);
        Remote remote = new Remote();
        ObjectNode elsewhere = f.event(CAROL, "m.room.topic", "", "{\"topic\":\"from a gap\"}",
                List.of(otherState.get(List.of("m.room.create", ""))), List.of(otherState.get(List.of("m.room.create", ""))), 2);
        elsewhere.put("room_id", otherRoom);
        elsewhere = dev.mxspec.homeserver.rooms.EventSigning.hashAndSign(stripped(elsewhere), REMOTE, FederationFixture.REMOTE_KEY, f.version);
        long depth = f.server.storage().graphRow(join).orElseThrow().depth();
        ObjectNode power = f.event(CAROL, "m.room.power_levels", "", "{\"users\":{\"" + CAROL + "\":100}}", List.of(join), carolsAuth(),
                depth + 1);
        ObjectNode after = f.event(CAROL, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"after\"}", List.of(f.idOf(power)),
                carolsAuth(), depth + 2);
        ObjectNode last = f.event(CAROL, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"last\"}", List.of(f.idOf(after)),
                carolsAuth(), depth + 3);
        ObjectNode foreign = elsewhere;
        remote.missing = body -> answer(List.of(foreign, power, after));

        PDUProcessingResults r = send(remote, last);

        assertThat(error(r, last)).isEmpty();
        assertThat(f.server.storage().graphRow(f.idOf(foreign))).isEmpty();
        assertThat(f.server.storage().currentState(otherRoom)).isEqualTo(otherState);
        assertThat(status(f.idOf(power))).contains(EventStatus.REJECTED);
        assertThat(status(f.idOf(after))).isEmpty();
        assertThat(f.server.storage().currentState(f.roomId)).isEqualTo(state);
    }

    private static ObjectNode stripped(ObjectNode e) {
        ObjectNode copy = e.deepCopy();
        copy.remove(List.of("hashes", "signatures", "event_id"));
        return copy;
    }

    /** A one-event gap the origin does not fill with missing events: the state at the gap decides. */
    private Remote gapOfOne(String join, List<ObjectNode> chain) throws Exception {
        Remote remote = new Remote();
        chain.addAll(remote.chain(join, 2));
        return remote;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void garbageStateIdsRefuseTheEventAndStoreNothingAsState(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        Map<List<String>, String> state = f.server.storage().currentState(f.roomId);
        List<ObjectNode> chain = new ArrayList<>();
        Remote remote = gapOfOne(join, chain);
        remote.stateIds = id -> {
            ObjectNode garbage = MatrixJson.mapper().createObjectNode();
            garbage.putArray("pdu_ids").add(1).add("not an ID");
            garbage.put("auth_chain_ids", "none");
            return garbage;
        };

        PDUProcessingResults r = send(remote, chain.get(1));

        assertThat(error(r, chain.get(1))).hasValueSatisfying(e -> assertThat(e).contains("state_ids"));
        assertThat(f.server.storage().graphRow(f.idOf(chain.get(1)))).isEmpty();
        assertThat(f.server.storage().currentState(f.roomId)).isEqualTo(state);
        assertThat(f.extremities()).containsExactly(join);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void stateIdsNamingEventsTheOriginCannotGiveRefuseTheEvent(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        Map<List<String>, String> state = f.server.storage().currentState(f.roomId);
        List<ObjectNode> chain = new ArrayList<>();
        Remote remote = gapOfOne(join, chain);
        remote.stateIds = id -> {
            ObjectNode out = (ObjectNode) remote.honestStateIds(id);
            ((ArrayNode) out.get("pdu_ids")).add("$neverMadeAnywhere");
            return out;
        };

        PDUProcessingResults r = send(remote, chain.get(1));

        assertThat(error(r, chain.get(1))).hasValueSatisfying(e -> assertThat(e).contains("$neverMadeAnywhere"));
        assertThat(f.server.storage().graphRow(f.idOf(chain.get(1)))).isEmpty();
        assertThat(f.server.storage().currentState(f.roomId)).isEqualTo(state);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void stateIdsNamingAnotherRoomsStateRefuseTheEvent(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        String otherRoom = f.client("POST", "/createRoom", f.alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
        Map<List<String>, String> state = f.server.storage().currentState(f.roomId);
        List<ObjectNode> chain = new ArrayList<>();
        Remote remote = gapOfOne(join, chain);
        remote.stateIds = id -> {
            ObjectNode out = MatrixJson.mapper().createObjectNode();
            ArrayNode ids = out.putArray("pdu_ids");
            Map<List<String>, String> mixed = new HashMap<>(state);
            mixed.put(List.of("m.room.power_levels", ""), f.server.storage().currentState(otherRoom).get(List.of("m.room.power_levels", "")));
            mixed.values().forEach(ids::add);
            out.putArray("auth_chain_ids");
            return out;
        };

        PDUProcessingResults r = send(remote, chain.get(1));

        assertThat(error(r, chain.get(1))).isPresent();
        assertThat(f.server.storage().graphRow(f.idOf(chain.get(1)))).isEmpty();
        assertThat(f.server.storage().currentState(f.roomId)).isEqualTo(state);
    }
}
