package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static dev.mxspec.homeserver.rooms.RoomDag.EVELYN;
import static dev.mxspec.homeserver.rooms.RoomDag.ZARA;
import static dev.mxspec.homeserver.rooms.RoomDag.powerLevels;
import static dev.mxspec.homeserver.rooms.RoomDag.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * State resolution of room version 1: conflicts resolved in passes (power levels, join rules, memberships, the
 * rest) by depth and the SHA-1 of event IDs. Each test starts from {@link RoomDag#started} in version 1, where
 * {@code START} has depth 9, and mostly from {@code PL1} (depth 10) giving mod 50; messages on a branch only
 * make its later events deeper.
 */
class StateResolutionV1Test {

    private static RoomDag withModerator() {
        RoomDag dag = RoomDag.started(RoomVersions.V1);
        dag.add("PL1", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 50)), "START");
        return dag;
    }

    /**
     * Evelyn joins while alice makes the room invite-only. A conflict is two states holding different events for
     * a key; evelyn's membership is in one state only, so version 1 keeps it unchecked. Version 2 counts it as
     * conflicted and refuses it against the new join rules.
     */
    @Test
    void aKeyOnlyOneStateHoldsIsNoConflictSoAJoinEvadesAConcurrentJoinRuleChange() {
        for (RoomVersion version : new RoomVersion[] {RoomVersions.V1, RoomVersions.V2}) {
            RoomDag dag = RoomDag.started(version);
            dag.add("JR", Events.state("m.room.join_rules", ALICE, "", "{'join_rule': 'invite'}"), "START");
            dag.add("ME", Events.member(EVELYN, EVELYN, "join"), "START");

            assertThat(dag.resolve("JR", "ME")).isEqualTo(version == RoomVersions.V1
                    ? dag.stateWith("START", "JR", "ME")
                    : dag.stateWith("START", "JR"));
        }
    }

    /**
     * Three branches hold three power levels events: alice's demotion of mod (depth 11), mod's promotion of bob
     * (12) and alice's promotion of carol (13). By ascending depth the demotion is added first; mod's event is
     * then refused (mod has 0), and the pass stops there: alice's deeper event is never considered. Without mod's
     * branch, alice's later event is allowed after her demotion and wins.
     */
    @Test
    void thePowerLevelsPassGoesByDepthAndStopsAtTheFirstEventRefused() {
        RoomDag dag = withModerator();
        dag.add("DEMOTE", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 0)), "PL1");
        dag.add("M1", Events.message(ZARA), "PL1");
        dag.add("BY_MOD", powerLevels(MOD, Map.of(ALICE, 100, MOD, 50, BOB, 50)), "M1");
        dag.add("M2", Events.message(ZARA), "PL1");
        dag.add("M3", Events.message(ZARA), "M2");
        dag.add("LATER", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 50, CAROL, 50)), "M3");

        assertThat(dag.resolve("LATER", "BY_MOD", "DEMOTE")).isEqualTo(dag.stateWith("PL1", "DEMOTE"));
        assertThat(dag.resolve("LATER", "DEMOTE")).isEqualTo(dag.stateWith("PL1", "LATER"));
    }

    /**
     * Alice demotes mod (depth 11) while mod bans carol (12). Power levels are resolved first: the demotion is
     * deeper than PL1 and allowed. In the membership pass carol's join (depth 7) comes first and the ban is then
     * checked with mod at 0: refused, carol stays.
     */
    @Test
    void membershipsAreCheckedAgainstThePowerLevelsResolvedBeforeThem() {
        RoomDag dag = withModerator();
        dag.add("DEMOTE", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 0)), "PL1");
        dag.add("M1", Events.message(ZARA), "PL1");
        dag.add("BAN", Events.member(MOD, CAROL, "ban"), "M1");

        assertThat(dag.resolve("DEMOTE", "BAN")).isEqualTo(dag.stateWith("PL1", "DEMOTE"));
    }

    /** Of two topics both allowed, the deeper one wins, although it was sent earlier. */
    @Test
    void otherConflictsTakeTheDeepestEventTheRulesAllow() {
        RoomDag dag = withModerator();
        dag.addAt(900, "TA", topic(ALICE, "late"), "PL1");
        dag.addAt(100, "M1", Events.message(ZARA), "PL1");
        dag.addAt(101, "TB", topic(ALICE, "early"), "M1");

        assertThat(dag.resolve("TA", "TB")).isEqualTo(dag.stateWith("PL1", "TB"));
    }

    /** Mod's deeper topic is refused once mod's demotion is resolved; alice's shallower one is taken. */
    @Test
    void aDeeperEventTheRulesRefuseGivesWayToTheNextOne() {
        RoomDag dag = withModerator();
        dag.add("DEMOTE", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 0)), "PL1");
        dag.add("TA", topic(ALICE, "alice"), "DEMOTE");
        dag.add("M1", Events.message(ZARA), "PL1");
        dag.add("M2", Events.message(ZARA), "M1");
        dag.add("TB", topic(MOD, "mod"), "M2");

        assertThat(dag.resolve("TA", "TB")).isEqualTo(dag.stateWith("PL1", "DEMOTE", "TA"));
    }

    /**
     * At equal depth the lower SHA-1 of the event ID wins: sha1("$TB:hs1") starts 95f8, sha1("$TA:hs1") e7f3
     * (the IDs themselves sort the other way).
     */
    @Test
    void atEqualDepthTheLowerHashOfTheEventIdWins() {
        RoomDag dag = withModerator();
        dag.add("TA", topic(ALICE, "a"), "PL1");
        dag.add("TB", topic(ALICE, "b"), "PL1");

        assertThat(StateResolutionV1.sha1(dag.id("TB"))).startsWith("95f8");
        assertThat(StateResolutionV1.sha1(dag.id("TA"))).startsWith("e7f3");
        assertThat(dag.resolve("TA", "TB")).isEqualTo(dag.stateWith("PL1", "TB"));
        assertThat(dag.resolve("TB", "TA")).isEqualTo(dag.stateWith("PL1", "TB"));
    }

    /**
     * Mod sets topic T0, then is demoted on one branch and sets T1 on another. Both of mod's topics are refused
     * against the resolved demotion; the prose picks only an event that passes, so the room is left without a
     * topic.
     */
    @Test
    void aKeyWhoseEventsTheRulesAllRefuseIsLeftOut() {
        RoomDag dag = withModerator();
        dag.add("T0", topic(MOD, "zero"), "PL1");
        dag.add("DEMOTE", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 0)), "T0");
        dag.add("T1", topic(MOD, "one"), "T0");

        assertThat(dag.resolve("DEMOTE", "T1")).isEqualTo(RoomDag.without(dag.stateWith("T0", "DEMOTE"),
                new StateKey("m.room.topic", "")));
    }
}
