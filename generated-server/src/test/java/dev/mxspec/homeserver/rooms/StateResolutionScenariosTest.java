package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static dev.mxspec.homeserver.rooms.RoomDag.EVELYN;
import static dev.mxspec.homeserver.rooms.RoomDag.powerLevels;
import static dev.mxspec.homeserver.rooms.RoomDag.topic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Races that state resolution v2 settles, each with the reason the prose gives, in every room version that
 * resolves with it. Each starts from {@link RoomDag#started} (alice at 100 created a public room that mod, bob,
 * carol and zara joined at 0); every event is valid where it was sent (none is rejected on receipt), and the
 * resolution of the two branches decides.
 */
class StateResolutionScenariosTest {

    static Stream<RoomVersion> versions() {
        return RoomVersions.supported().stream().filter(v -> v.stateResolution() == StateResolution.V2);
    }

    /** Alice has 100 and mod 50 ({@code PL1}, after {@code START}). */
    private static RoomDag withModerator(RoomVersion version) {
        RoomDag dag = RoomDag.started(version);
        dag.add("PL1", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 50)), "START");
        return dag;
    }

    /** After PL1, alice demotes mod to 0 (DEMOTE) on one branch while mod sends {@code event} on another. */
    private static RoomDag demotionRacing(RoomVersion version, String name, ObjectNode event) {
        RoomDag dag = withModerator(version);
        dag.add("DEMOTE", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 0)), "PL1");
        dag.add(name, event, "PL1");
        return dag;
    }

    /**
     * Mod bans bob while alice demotes mod to 0. Both are power events; the reverse topological power ordering
     * takes alice's first (her 100 against mod's 50), and the iterative auth checks then refuse the ban, as mod no
     * longer has the ban level. Bob stays joined.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void aBanRacingTheBannersDemotionIsRefused(RoomVersion version) {
        RoomDag dag = demotionRacing(version, "BAN", Events.member(MOD, BOB, "ban"));

        assertThat(rejected(dag, "DEMOTE", "BAN")).isEmpty();
        assertThat(dag.resolve("DEMOTE", "BAN")).isEqualTo(dag.stateWith("PL1", "DEMOTE"));
    }

    /**
     * Mod bans bob while alice raises bob to 50. Alice's power levels sort first (100 against 50); then the ban
     * is checked with bob at mod's own level, and a ban needs the target below the sender: refused.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void aBanRacingThePromotionOfItsTargetIsRefused(RoomVersion version) {
        RoomDag dag = withModerator(version);
        dag.add("PROMOTE", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 50, BOB, 50)), "PL1");
        dag.add("BAN", Events.member(MOD, BOB, "ban"), "PL1");

        assertThat(dag.resolve("BAN", "PROMOTE")).isEqualTo(dag.stateWith("PL1", "PROMOTE"));
    }

    /**
     * Evelyn, invited, joins while alice makes the room invite-only (an uninvited join racing the change is the
     * known case {@link StateResolutionKnownCasesTest#joinRuleEvasion}). Her invite and her join are both ordinary
     * events of the mainline step, the invite first (older, same mainline position); the join is then checked
     * with evelyn invited, which the invite rule allows.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void anInvitedUsersJoinRacingAChangeToInviteOnlyStands(RoomVersion version) {
        RoomDag dag = RoomDag.started(version);
        dag.add("INVITE", Events.member(ALICE, EVELYN, "invite"), "START");
        dag.add("JR", Events.state("m.room.join_rules", ALICE, "", "{'join_rule': 'invite'}"), "INVITE");
        dag.add("JOIN", Events.member(EVELYN, EVELYN, "join"), "INVITE");

        assertThat(dag.resolve("JR", "JOIN")).isEqualTo(dag.stateWith("INVITE", "JR", "JOIN"));
    }

    /**
     * Mod sets topic T1; alice demotes mod and sets topic T2; mod, on a branch that never saw the demotion, sets
     * T3 to undo it. The power levels resolve to the demotion; in its mainline T3 builds on the older PL1 and
     * goes before T2, which builds on the demotion itself. T3 is refused anyway (mod now has 0) and T2 is allowed.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void aDemotedModeratorsTopicResetLosesToTheAdminsTopic(RoomVersion version) {
        RoomDag dag = moderatorsTopicThenDemotion(version);
        dag.add("T2", topic(ALICE, "two"), "DEMOTE");
        dag.add("T3", topic(MOD, "three"), "T1");

        assertThat(dag.resolve("T2", "T3")).isEqualTo(dag.stateWith("T1", "DEMOTE", "T2"));
    }

    /**
     * As above without alice's topic: the conflicted topics are mod's T1 and T3, both checked in step 4 against
     * the demotion and both refused. The topic is a conflicted key, so the unconflicted state map has no entry
     * for it either: the room is left without a topic.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void aDemotedModeratorsTopicsAllFallOutOfTheState(RoomVersion version) {
        RoomDag dag = moderatorsTopicThenDemotion(version);
        dag.add("T3", topic(MOD, "three"), "T1");

        assertThat(dag.resolve("DEMOTE", "T3")).isEqualTo(RoomDag.without(dag.stateWith("T1", "DEMOTE"),
                new StateKey("m.room.topic", "")));
    }

    /** Mod (50) sets topic T1, then alice demotes mod to 0 (DEMOTE). */
    private static RoomDag moderatorsTopicThenDemotion(RoomVersion version) {
        RoomDag dag = withModerator(version);
        dag.add("T1", topic(MOD, "one"), "PL1");
        dag.add("DEMOTE", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 0)), "T1");
        return dag;
    }

    /**
     * Alice demotes mod while mod raises bob to 50 (allowed at mod's 50). Alice's change sorts first; mod's is then
     * checked at level 0, below the 50 that power levels need: refused.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void aDemotionOutranksAConcurrentPromotionByTheDemotedUser(RoomVersion version) {
        RoomDag dag = demotionRacing(version, "PROMOTE", powerLevels(MOD, Map.of(ALICE, 100, MOD, 50, BOB, 50)));

        assertThat(dag.resolve("PROMOTE", "DEMOTE")).isEqualTo(dag.stateWith("PL1", "DEMOTE"));
    }

    /**
     * Alice and mod, both at 100, edit the power levels at once: alice raises bob, mod raises carol. Their levels
     * are equal, so the older edit goes first and the newer one, allowed after it, is applied last and wins (each
     * can lower the other's choice, being above it). At the same time, the smaller event ID goes first. Mod's join,
     * cited only by mod's edit, is in both states and stays out of the ordering (if a state set's full auth chain
     * left out the state set's own events, the join would enter it at the level mod had when joining, 0, after
     * alice's edit, and hold mod's edit back until last whatever the clock: see
     * {@link StateResolutionV2#authDifference}).
     */
    @ParameterizedTest
    @MethodSource("versions")
    void concurrentEditsAtTheSameLevelAreOrderedByTimeThenEventId(RoomVersion version) {
        assertThat(winnerOfConcurrentEdits(version, 100, 200)).isEqualTo("PB");
        assertThat(winnerOfConcurrentEdits(version, 200, 100)).isEqualTo("PA");
        assertThat(winnerOfConcurrentEdits(version, 100, 100)).isEqualTo("PB"); // "$PA:hs1" < "$PB:hs1"
    }

    /**
     * Alice re-states the join rules (JR1), evelyn joins under them on a branch, alice changes them again (JR2),
     * and zara's message merges the two: its state has JR2 and evelyn's join. Resolving it against JR2's state,
     * only evelyn's membership conflicts, but JR1 is in the auth difference (evelyn's join cites it, nothing on
     * the other side does) and is a power event: step 2 applies it over JR2. Step 5 puts back the unconflicted
     * state map's JR2.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void theUnconflictedStateMapIsAppliedLast(RoomVersion version) {
        RoomDag dag = RoomDag.started(version);
        dag.add("JR1", Events.state("m.room.join_rules", ALICE, "", "{'join_rule': 'public'}"), "START");
        dag.add("JOIN", Events.member(EVELYN, EVELYN, "join"), "JR1");
        dag.add("JR2", Events.state("m.room.join_rules", ALICE, "", "{'join_rule': 'public'}"), "JR1");
        dag.add("MERGE", Events.message(RoomDag.ZARA), "JOIN", "JR2");

        assertThat(dag.state("MERGE")).isEqualTo(dag.stateWith("JR2", "JOIN"));
        assertThat(dag.resolve("MERGE", "JR2")).isEqualTo(dag.stateWith("JR2", "JOIN"));
    }

    private static String winnerOfConcurrentEdits(RoomVersion version, long aliceTs, long modTs) {
        RoomDag dag = RoomDag.started(version);
        dag.add("ADMINS", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 100)), "START");
        dag.addAt(1000 + aliceTs, "PA", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 100, BOB, 50)), "ADMINS");
        dag.addAt(1000 + modTs, "PB", powerLevels(MOD, Map.of(ALICE, 100, MOD, 100, CAROL, 50)), "ADMINS");
        String winner = dag.resolve("PA", "PB").get(new StateKey("m.room.power_levels", ""));
        return winner.equals(dag.id("PA")) ? "PA" : winner.equals(dag.id("PB")) ? "PB" : winner;
    }

    /**
     * Alice kicks mod (an admin at 75) while mod, on a branch that has not seen the kick, raises bob, bans carol
     * and sets a topic. The kick and mod's power events sort by their senders' levels: the kick (100) before mod's
     * power levels (75) and ban; each of mod's events is then checked with mod no longer joined, and refused. Mod's
     * topic, in the mainline step, likewise. What remains is the state alice's branch had.
     */
    @ParameterizedTest
    @MethodSource("versions")
    void aKickedAdminsLateEventsAreAllRefused(RoomVersion version) {
        RoomDag dag = RoomDag.started(version);
        dag.add("PL1", powerLevels(ALICE, Map.of(ALICE, 100, MOD, 75)), "START");
        dag.add("T0", topic(ALICE, "by alice"), "PL1");
        dag.add("KICK", Events.member(ALICE, MOD, "leave"), "T0");
        dag.add("RAISE", powerLevels(MOD, Map.of(ALICE, 100, MOD, 75, BOB, 50)), "T0");
        dag.add("BAN", Events.member(MOD, CAROL, "ban"), "RAISE");
        dag.add("TOPIC", topic(MOD, "by mod"), "BAN");

        assertThat(rejected(dag, "KICK", "RAISE", "BAN", "TOPIC")).isEmpty();
        assertThat(dag.resolve("KICK", "TOPIC")).isEqualTo(dag.stateWith("T0", "KICK"));
    }

    /** Those of {@code names} that were rejected on receipt. */
    private static List<String> rejected(RoomDag dag, String... names) {
        return Stream.of(names).filter(dag::rejected).toList();
    }
}
