package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.RoomDag.powerLevels;
import static dev.mxspec.homeserver.rooms.RoomDag.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link StateResolver} asks of its inputs: no events when nothing conflicts, each other event once. */
class StateResolutionInputsTest {

    private static final EventGraph NO_EVENTS = eventId -> {
        throw new AssertionError("asked for " + eventId);
    };
    private static final Map<StateKey, String> STATE = Map.of(
            new StateKey("m.room.create", ""), "$create",
            new StateKey("m.room.topic", ""), "$topic");

    @Test
    void nothingToResolveIsTheEmptyState() {
        assertThat(StateResolver.resolve(RoomVersions.V10, List.of(), NO_EVENTS, ServerKeys.none())).isEmpty();
    }

    @Test
    void oneStateSetOrStateSetsThatAgreeResolveToThatStateWithoutReadingEvents() {
        for (RoomVersion version : List.of(RoomVersions.V1, RoomVersions.V10)) {
            assertThat(StateResolver.resolve(version, List.of(STATE), NO_EVENTS, ServerKeys.none())).isEqualTo(STATE);
            assertThat(StateResolver.resolve(version, List.of(STATE, STATE, STATE), NO_EVENTS, ServerKeys.none()))
                    .isEqualTo(STATE);
        }
    }

    @Test
    void versionOneKeepsAKeyThatOnlySomeStateSetsHoldWithoutReadingEvents() {
        Map<StateKey, String> withName = new HashMap<>(STATE);
        withName.put(new StateKey("m.room.name", ""), "$name");

        assertThat(StateResolver.resolve(RoomVersions.V1, List.of(STATE, withName), NO_EVENTS, ServerKeys.none()))
                .isEqualTo(withName);
    }

    @Test
    void anEventTheGraphLacksIsReportedByItsId() {
        RoomDag dag = conflictingTopics();
        String missing = dag.id("T2");
        EventGraph lacking = eventId -> eventId.equals(missing) ? Optional.empty() : dag.event(eventId);

        assertThatThrownBy(() -> StateResolver.resolve(dag.version(), List.of(dag.state("T1"), dag.state("T2")),
                lacking, ServerKeys.none()))
                .isInstanceOfSatisfying(MissingEventException.class, e -> assertThat(e.eventId()).isEqualTo(missing))
                .hasMessage("state resolution needs event " + missing + ", which is not known");
    }

    @Test
    void eachEventIsAskedForAtMostOncePerResolution() {
        RoomDag dag = conflictingTopics();
        Map<String, Integer> asked = new HashMap<>();
        EventGraph counting = eventId -> {
            asked.merge(eventId, 1, Integer::sum);
            return dag.event(eventId);
        };

        StateResolver.resolve(dag.version(), List.of(dag.state("T1"), dag.state("T2")), counting, ServerKeys.none());

        assertThat(asked).isNotEmpty().allSatisfy((eventId, times) -> assertThat(times).isOne());
    }

    /** Bob (50) and alice set topics on two branches after alice gave bob 50 and then took it back on one. */
    private static RoomDag conflictingTopics() {
        RoomDag dag = RoomDag.started(RoomVersions.V10);
        dag.add("PA", powerLevels(ALICE, Map.of(ALICE, 100, BOB, 50)), "START");
        dag.add("PB", powerLevels(ALICE, Map.of(ALICE, 100)), "PA");
        dag.add("T1", topic(ALICE, "one"), "PB");
        dag.add("T2", topic(BOB, "two"), "PA");
        return dag;
    }
}
