package dev.mxspec.homeserver.federation.rooms;

import static dev.mxspec.homeserver.federation.rooms.FederationFixture.CAROL;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.OTHER;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.REMOTE;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.from;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.spec.v1_7.serverserver.GetMissingPreviousEventsRequest;
import dev.mxspec.spec.v1_7.serverserver.endpoints.BackfillRoom;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetEvent;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetEventAuth;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetMissingPreviousEvents;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetRoomState;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetRoomStateIds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading the room's graph over federation: only for servers that may see it, never rejected events, in order. */
class FederationReadsTest {

    @TempDir
    Path dir;

    private FederationFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private List<String> ids(List<JsonNode> pdus) {
        return pdus.stream().map(p -> EventIds.of((ObjectNode) p, f.version).orElseThrow()).toList();
    }

    private static void forbidden(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(List.of(e.status(), e.errcode())).containsExactly(403, "M_FORBIDDEN"));
    }

    private static void notFound(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(List.of(e.status(), e.errcode())).containsExactly(404, "M_NOT_FOUND"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServerNotInTheRoomIsRefusedAndAServerInItIsAnswered(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        String said = f.aliceSays("for members");
        EventHandlers h = f.events;

        forbidden(() -> h.getEvent(from(OTHER), new GetEvent.Request(said)));
        forbidden(() -> h.getRoomStateIds(from(OTHER), new GetRoomStateIds.Request(f.roomId, said)));
        forbidden(() -> h.getRoomState(from(OTHER), new GetRoomState.Request(f.roomId, said)));
        forbidden(() -> h.getEventAuth(from(OTHER), new GetEventAuth.Request(f.roomId, said)));
        forbidden(() -> h.backfillRoom(from(OTHER), new BackfillRoom.Request(f.roomId, List.of(said), 10L)));
        forbidden(() -> h.getMissingPreviousEvents(from(OTHER), new GetMissingPreviousEvents.Request(f.roomId,
                Optional.of(new GetMissingPreviousEventsRequest(Optional.empty(), Optional.empty(), List.of(), List.of(said), Map.of())))));

        assertThat(ids(h.getEvent(from(REMOTE), new GetEvent.Request(said)).pdus())).containsExactly(said);
        var stateIds = h.getRoomStateIds(from(REMOTE), new GetRoomStateIds.Request(f.roomId, said));
        assertThat(stateIds.pduIds()).containsExactlyInAnyOrderElementsOf(f.server.storage().currentState(f.roomId).values());
        assertThat(stateIds.authChainIds()).contains(f.state("m.room.create", ""), f.state("m.room.power_levels", ""))
                .doesNotContain(said);
        var state = h.getRoomState(from(REMOTE), new GetRoomState.Request(f.roomId, said));
        assertThat(ids(state.pdus())).containsExactlyElementsOf(stateIds.pduIds());
        assertThat(ids(state.authChain())).containsExactlyElementsOf(stateIds.authChainIds());
        // the state before carol's join does not hold it
        assertThat(h.getRoomStateIds(from(REMOTE), new GetRoomStateIds.Request(f.roomId, join)).pduIds()).doesNotContain(join);
        assertThat(ids(h.getEventAuth(from(REMOTE), new GetEventAuth.Request(f.roomId, join)).authChain()))
                .contains(f.state("m.room.create", ""), f.state("m.room.join_rules", "")).doesNotContain(join);

        notFound(() -> h.getEvent(from(REMOTE), new GetEvent.Request("$unknown")));
        notFound(() -> h.getRoomStateIds(from(REMOTE), new GetRoomStateIds.Request(f.roomId, "$unknown")));
        notFound(() -> h.getRoomStateIds(from(REMOTE), new GetRoomStateIds.Request("!other:localhost", said)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void withJoinedHistoryAServerSeesOnlyWhatFollowsItsUsersJoin(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        f.client("PUT", "/rooms/" + f.roomId + "/state/m.room.history_visibility/", f.alice, "{\"history_visibility\":\"joined\"}");
        String before = f.aliceSays("before carol");
        String join = f.carolJoins();
        String after = f.aliceSays("after carol");
        EventHandlers h = f.events;

        forbidden(() -> h.getEvent(from(REMOTE), new GetEvent.Request(before)));
        forbidden(() -> h.getRoomStateIds(from(REMOTE), new GetRoomStateIds.Request(f.roomId, before)));
        assertThat(ids(h.getEvent(from(REMOTE), new GetEvent.Request(join)).pdus())).containsExactly(join);
        assertThat(ids(h.getEvent(from(REMOTE), new GetEvent.Request(after)).pdus())).containsExactly(after);
        // met on a walk, the earlier event comes redacted
        List<JsonNode> back = h.backfillRoom(from(REMOTE), new BackfillRoom.Request(f.roomId, List.of(after), 3L)).pdus();
        assertThat(ids(back)).containsExactly(after, join, before);
        assertThat(back.get(0).path("content").path("body").asText()).isEqualTo("after carol");
        assertThat(back.get(2).path("content").has("body")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void backfillAndMissingEventsWalkTheGraphInOrderWithoutRejectedEvents(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        String m1 = f.idOf(sent(f.message(CAROL, "1", List.of(join))));
        String m2 = f.idOf(sent(f.message(CAROL, "2", List.of(m1))));
        String m3 = f.idOf(sent(f.message(CAROL, "3", List.of(m2))));
        // carol (level 0) changing the power levels: rejected on its auth events, kept in the graph
        ObjectNode levels = f.event(CAROL, "m.room.power_levels", "", "{\"users\":{\"" + CAROL + "\":100}}", List.of(m3),
                List.of(f.state("m.room.create", ""), f.state("m.room.power_levels", ""), join));
        String rejected = f.idOf(sent(levels));
        assertThat(f.server.storage().graphRow(rejected).orElseThrow().status()).contains(EventStatus.REJECTED);
        String m4 = f.idOf(sent(f.message(CAROL, "4", List.of(m3, rejected))));
        String m5 = f.idOf(sent(f.message(CAROL, "5", List.of(m4))));
        EventHandlers h = f.events;

        List<String> back = ids(h.backfillRoom(from(REMOTE), new BackfillRoom.Request(f.roomId, List.of(m5), 100L)).pdus());
        assertThat(back.subList(0, 6)).containsExactly(m5, m4, m3, m2, m1, join);
        assertThat(back).doesNotContain(rejected).doesNotHaveDuplicates()
                .hasSize(f.server.storage().roomEvents(f.roomId, 0, Long.MAX_VALUE, 1000, false).size());
        assertThat(ids(h.backfillRoom(from(REMOTE), new BackfillRoom.Request(f.roomId, List.of(m5), 3L)).pdus()))
                .containsExactly(m5, m4, m3);
        assertThat(h.backfillRoom(from(REMOTE), new BackfillRoom.Request(f.roomId, List.of(m5), 0L)).pdus()).hasSize(1);

        assertThat(ids(missing(List.of(m1), List.of(m5), Optional.empty(), Optional.empty()))).containsExactly(m2, m3, m4);
        assertThat(ids(missing(List.of(m1), List.of(m5), Optional.of(2L), Optional.empty()))).containsExactly(m3, m4);
        long m3Depth = f.server.storage().graphRow(m3).orElseThrow().depth();
        assertThat(ids(missing(List.of(), List.of(m5), Optional.empty(), Optional.of(m3Depth)))).containsExactly(m3, m4);
        notFound(() -> missing(List.of(), List.of(rejected), Optional.empty(), Optional.empty()));
    }

    private List<JsonNode> missing(List<String> earliest, List<String> latest, Optional<Long> limit, Optional<Long> minDepth) {
        return f.events.getMissingPreviousEvents(from(REMOTE), new GetMissingPreviousEvents.Request(f.roomId,
                Optional.of(new GetMissingPreviousEventsRequest(limit, minDepth, earliest, latest, Map.of())))).events();
    }

    private ObjectNode sent(ObjectNode pdu) {
        assertThat(f.send(REMOTE, List.of(pdu)).pdus().get(f.idOf(pdu)).error()).isEmpty();
        return pdu;
    }
}
