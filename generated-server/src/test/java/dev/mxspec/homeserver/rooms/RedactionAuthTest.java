package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class RedactionAuthTest {

    private static ObjectNode redaction(String sender, String eventId, String redacts) {
        ObjectNode redaction = Events.message(sender);
        redaction.put("type", "m.room.redaction");
        redaction.put("event_id", eventId);
        redaction.put("redacts", redacts);
        redaction.set("content", Events.json("{'reason': 'spam'}"));
        return redaction;
    }

    @Test
    void versionOneAllowsRedactingEventsFromTheSameEventIdDomain() {
        assertThat(Room.of(RoomVersions.V1, "invite").check(redaction(BOB, "$r:hs1", "$x:hs1")))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void versionsOneAndTwoRefuseRedactingOtherServersEventsBelowTheRedactLevel() {
        AuthResult refused = AuthResult.refused(AuthRule.REDACTION,
                "power level too low to redact an event from another server: needs 50, has 0");

        assertThat(Room.of(RoomVersions.V1, "invite").check(redaction(BOB, "$r:hs1", "$x:hs2"))).isEqualTo(refused);
        assertThat(Room.of(RoomVersions.V2, "invite").check(redaction(BOB, "$r:hs1", "$x:hs2"))).isEqualTo(refused);
    }

    @Test
    void versionOneAllowsRedactionsAtTheRedactLevel() {
        assertThat(Room.of(RoomVersions.V1, "invite").check(redaction(MOD, "$r:hs1", "$x:hs2")))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void fromVersionThreeTheAuthRulesLetRedactionsIn() {
        ObjectNode redaction = redaction(BOB, "$r:hs1", "$x:hs2");
        redaction.remove("event_id");

        assertThat(Room.of(RoomVersions.V3, "invite").check(redaction)).isEqualTo(AuthResult.allowed());
        assertThat(Room.of(RoomVersions.V10, "invite").check(redaction)).isEqualTo(AuthResult.allowed());
    }

    @Test
    void redactionsStillNeedTheirEventLevel() {
        Room room = Room.of(RoomVersions.V10, "invite").with(Events.state("m.room.power_levels", ALICE, "",
                "{'users': {'" + ALICE + "': 100}, 'events': {'m.room.redaction': 10}}"));

        assertThat(room.check(redaction(BOB, "$r:hs1", "$x:hs1"))).isEqualTo(AuthResult.refused(
                AuthRule.REQUIRED_POWER_LEVEL, "power level too low to send m.room.redaction: needs 10, has 0"));
    }

    @Test
    void fromVersionThreeARedactionAppliesToTheSameServersEventsOrAtTheRedactLevel() {
        PowerLevels levels = Room.of(RoomVersions.V10, "invite").state().levels();
        ObjectNode ownServer = Events.message("@other:hs1");
        ObjectNode otherServer = Events.message("@carol:hs2");

        assertThat(RedactionApproval.applies(redaction(BOB, "$r", "$x"), ownServer, levels, RoomVersions.V10))
                .isTrue();
        assertThat(RedactionApproval.applies(redaction(BOB, "$r", "$x"), otherServer, levels, RoomVersions.V10))
                .isFalse();
        assertThat(RedactionApproval.applies(redaction(MOD, "$r", "$x"), otherServer, levels, RoomVersions.V10))
                .isTrue();
    }

    @Test
    void inVersionsOneAndTwoAnAcceptedRedactionApplies() {
        PowerLevels levels = Room.of(RoomVersions.V1, "invite").state().levels();

        assertThat(RedactionApproval.applies(redaction(BOB, "$r:hs1", "$x:hs1"), Events.message("@carol:hs2"),
                levels, RoomVersions.V1)).isTrue();
    }
}
