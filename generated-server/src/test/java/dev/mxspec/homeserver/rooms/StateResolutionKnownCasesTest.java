package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.RoomDag.EVELYN;
import static dev.mxspec.homeserver.rooms.RoomDag.ZARA;
import static dev.mxspec.homeserver.rooms.RoomDag.powerLevels;
import static dev.mxspec.homeserver.rooms.RoomDag.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The well-known cases of state resolution v2 that homeserver test suites share (ban vs power levels, join rule
 * evasion, off-topic power levels, topic basic, topic reset, topic, mainline sort), in every room version that
 * resolves with it. Each starts from {@link RoomDag#started}: alice (100) created a public room that mod, bob,
 * carol and zara joined at level 0. The expected state is the state at {@code START} with the named events in
 * their keys, and nothing else changed.
 */
class StateResolutionKnownCasesTest {

    static Stream<RoomVersion> versions() {
        return RoomVersions.supported().stream().filter(v -> v.stateResolution() == StateResolution.V2);
    }

    /**
     * Alice bans bob while bob, at 50, sends power levels. Both are power events; alice's sorts first (100 against
     * 50), and bob's is then checked with bob banned, so it is refused: the ban stands.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void banVsPowerLevels(RoomVersion version) {
        RoomDag dag = RoomDag.started(version);
        dag.add("PA", powerLevels(ALICE, Map.of(ALICE, 100, BOB, 50)), "START");
        dag.add("MA", Events.member(ALICE, ALICE, "join"), "PA");
        dag.add("MB", Events.member(ALICE, BOB, "ban"), "MA");
        dag.add("PB", powerLevels(BOB, Map.of(ALICE, 100, BOB, 50)), "PA");

        assertThat(dag.resolve("MB", "PB")).isEqualTo(dag.stateWith("START", "PA", "MA", "MB"));
    }

    /**
     * Alice makes the room invite-only while evelyn joins by the old public rule. The join rules are a power
     * event, applied in step 2 whatever the time; evelyn's join is not, and is checked in step 4 against the invite
     * rule: refused, whether it was sent after the change or before it.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void joinRuleEvasion(RoomVersion version) {
        for (long joinedAt : new long[] {900, 100}) {
            RoomDag dag = RoomDag.started(version);
            dag.addAt(500, "JR", Events.state("m.room.join_rules", ALICE, "", "{'join_rule': 'invite'}"), "START");
            dag.addAt(joinedAt, "ME", Events.member(EVELYN, EVELYN, "join"), "START");

            assertThat(dag.resolve("JR", "ME")).isEqualTo(dag.stateWith("START", "JR"));
        }
    }

    /**
     * Power levels PA (alice: bob 50), PB (bob: carol 50), PC (carol: carol back to 0), one after the other,
     * against a branch that saw only PA. PB is in the auth difference; all three are ordered by their auth
     * events, each allowed in turn: the last, PC, wins.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void offTopicPowerLevels(RoomVersion version) {
        RoomDag dag = RoomDag.started(version);
        dag.add("PA", powerLevels(ALICE, Map.of(ALICE, 100, BOB, 50)), "START");
        dag.add("PB", powerLevels(BOB, Map.of(ALICE, 100, BOB, 50, CAROL, 50)), "PA");
        dag.add("PC", powerLevels(CAROL, Map.of(ALICE, 100, BOB, 50, CAROL, 0)), "PB");

        assertThat(dag.resolve("PC", "PA")).isEqualTo(dag.stateWith("START", "PC"));
    }

    /**
     * Alice sets topics T1 and T2 around giving bob 50 (PA1), then takes it away (PA2); on a branch after PA1 bob
     * resends the levels (PB) and sets topic T3. PA2 sorts before PB (alice outranks bob), so PB is refused. T2
     * and T3 both build on PA1 in the mainline of PA2; T2 is older and goes first, T3 is refused (bob has 0).
     */
    @ParameterizedTest
    @MethodSource("versions")
    void topicBasic(RoomVersion version) {
        RoomDag dag = topicBasicGraph(version);

        assertThat(dag.resolve("PA2", "T3")).isEqualTo(dag.stateWith("START", "PA2", "T2"));
    }

    private static RoomDag topicBasicGraph(RoomVersion version) {
        RoomDag dag = alicesTopicsAroundBobsPromotion(version);
        dag.add("PA2", powerLevels(ALICE, Map.of(ALICE, 100, BOB, 0)), "T2");
        dag.add("PB", powerLevels(BOB, Map.of(ALICE, 100, BOB, 50)), "PA1");
        dag.add("T3", topic(BOB, "three"), "PB");
        return dag;
    }

    /** Alice sets topic T1, gives bob 50 (PA1), sets topic T2. */
    private static RoomDag alicesTopicsAroundBobsPromotion(RoomVersion version) {
        RoomDag dag = RoomDag.started(version);
        dag.add("T1", topic(ALICE, "one"), "START");
        dag.add("PA1", powerLevels(ALICE, Map.of(ALICE, 100, BOB, 50)), "T1");
        dag.add("T2", topic(ALICE, "two"), "PA1");
        return dag;
    }

    /**
     * Bob, given 50 by PA, sets topic T2 and is then banned (MB); a branch still at T1 joins in. The ban and PA
     * are applied first; of the topics, T1 builds on an earlier power levels event than T2 and goes first, and
     * T2 is refused as bob is banned: T1 is the topic.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void topicReset(RoomVersion version) {
        RoomDag dag = RoomDag.started(version);
        dag.add("T1", topic(ALICE, "one"), "START");
        dag.add("PA", powerLevels(ALICE, Map.of(ALICE, 100, BOB, 50)), "T1");
        dag.add("T2", topic(BOB, "two"), "PA");
        dag.add("MB", Events.member(ALICE, BOB, "ban"), "T2");

        assertThat(dag.resolve("MB", "T1")).isEqualTo(dag.stateWith("START", "T1", "MB", "PA"));
    }

    /**
     * The topic basic graph merged by zara's message MZ1 (whose state is PA2 and T2, as there), then alice's topic
     * T4 after it, against a branch at MZ1: T4 builds on PA2, the start of the mainline, and goes last.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void topicAcrossAMerge(RoomVersion version) {
        RoomDag dag = topicBasicGraph(version);
        dag.add("MZ1", Events.message(ZARA), "PA2", "T3");
        dag.add("T4", topic(ALICE, "four"), "MZ1");

        assertThat(dag.state("MZ1")).isEqualTo(dag.stateWith("START", "PA2", "T2"));
        assertThat(dag.resolve("T4", "MZ1")).isEqualTo(dag.stateWith("START", "T4", "PA2"));
    }

    /**
     * PA2 makes power levels need 100, so bob's PB (sorted after alice's PA2) is refused. Bob's topic T3 cites PA2,
     * the start of the mainline; alice's T4, sent later, cites PB, whose chain meets the mainline only at PA1.
     * The mainline ordering puts T4 first, and T3 (allowed: bob still has 50) wins; ordering by time alone
     * would have let T4 win.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void mainlineSort(RoomVersion version) {
        RoomDag dag = alicesTopicsAroundBobsPromotion(version);
        dag.add("PA2", Events.state("m.room.power_levels", ALICE, "", "{'users': {'" + ALICE + "': 100, '" + BOB
                + "': 50}, 'events': {'m.room.power_levels': 100}}"), "T2");
        dag.add("T3", topic(BOB, "three"), "PA2");
        dag.add("PB", powerLevels(BOB, Map.of(ALICE, 100, BOB, 50)), "PA1");
        dag.add("T4", topic(ALICE, "four"), "PB");

        assertThat(dag.rejected("PB")).isFalse();
        assertThat(dag.resolve("T3", "T4")).isEqualTo(dag.stateWith("START", "T3", "PA2"));
    }
}
