package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PowerLevelsAuthTest {

    private static final String USERS = "'" + ALICE + "': 100, '" + MOD + "': 50";

    /** A room whose power levels are {@code content}, set by alice. */
    private static Room room(RoomVersion version, String content) {
        return Room.of(version, "invite").with(Events.state("m.room.power_levels", ALICE, "", content));
    }

    private static ObjectNode levels(String sender, String content) {
        return Events.state("m.room.power_levels", sender, "", content);
    }

    private static AuthResult refused(String reason) {
        return AuthResult.refused(AuthRule.POWER_LEVELS, reason);
    }

    @Test
    void theFirstPowerLevelsEventIsAllowedForTheCreator() {
        Room room = Room.created(RoomVersions.V10).member(ALICE, "join");

        assertThat(room.check(levels(ALICE, "{'users': {'" + ALICE + "': 100}, 'ban': 100}")))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void aUserBelowStateDefaultCannotSendPowerLevels() {
        assertThat(Room.of(RoomVersions.V10, "invite").check(levels(BOB, "{'users': {}}"))).isEqualTo(
                AuthResult.refused(AuthRule.REQUIRED_POWER_LEVEL,
                        "power level too low to send m.room.power_levels: needs 50, has 0"));
    }

    @Test
    void theCreatorPromotesAUser() {
        assertThat(room(RoomVersions.V10, "{'users': {" + USERS + "}}")
                .check(levels(ALICE, "{'users': {" + USERS + ", '" + BOB + "': 50}}")))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void nobodyRaisesAUserAboveTheirOwnLevel() {
        assertThat(room(RoomVersions.V10, "{'users': {" + USERS + "}}")
                .check(levels(MOD, "{'users': {" + USERS + ", '" + BOB + "': 60}}")))
                .isEqualTo(refused("cannot set the level of @bob:hs1 to 60: above the sender's own level 50"));
    }

    @Test
    void nobodyChangesAUserAtOrAboveTheirOwnLevel() {
        Room room = room(RoomVersions.V10, "{'users': {" + USERS + ", '@mod2:hs1': 50}}");

        assertThat(room.check(levels(MOD, "{'users': {'" + ALICE + "': 0, '" + MOD + "': 50, '@mod2:hs1': 50}}")))
                .isEqualTo(refused(
                        "cannot change the level of @alice:hs1 from 100: not below the sender's own level 50"));
        assertThat(room.check(levels(MOD, "{'users': {" + USERS + "}}")))
                .isEqualTo(refused(
                        "cannot change the level of @mod2:hs1 from 50: not below the sender's own level 50"));
    }

    @Test
    void aUserLowersTheirOwnLevel() {
        assertThat(room(RoomVersions.V10, "{'users': {" + USERS + "}}")
                .check(levels(MOD, "{'users': {'" + ALICE + "': 100, '" + MOD + "': 10}}")))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void topLevelLevelsChangeOnlyWithinTheSendersLevel() {
        Room room = room(RoomVersions.V10, "{'users': {" + USERS + "}, 'kick': 75}");

        assertThat(room.check(levels(MOD, "{'users': {" + USERS + "}, 'kick': 75, 'ban': 40}")))
                .isEqualTo(AuthResult.allowed());
        assertThat(room.check(levels(MOD, "{'users': {" + USERS + "}, 'kick': 75, 'ban': 60}")))
                .isEqualTo(refused("cannot set ban to 60: above the sender's own level 50"));
        assertThat(room.check(levels(MOD, "{'users': {" + USERS + "}, 'kick': 50}")))
                .isEqualTo(refused("cannot change kick from 75: above the sender's own level 50"));
        assertThat(room.check(levels(MOD, "{'users': {" + USERS + "}}")))
                .isEqualTo(refused("cannot change kick from 75: above the sender's own level 50"));
    }

    @Test
    void eventLevelsChangeOnlyWithinTheSendersLevel() {
        Room room = room(RoomVersions.V10, "{'users': {" + USERS + "}, 'events': {'m.room.topic': 100}}");

        assertThat(room.check(levels(MOD, "{'users': {" + USERS + "}, 'events': {'m.room.topic': 100,"
                + " 'm.room.name': 50}}"))).isEqualTo(AuthResult.allowed());
        assertThat(room.check(levels(MOD, "{'users': {" + USERS + "}, 'events': {'m.room.topic': 100,"
                + " 'm.room.name': 60}}")))
                .isEqualTo(refused("cannot set events.m.room.name to 60: above the sender's own level 50"));
        assertThat(room.check(levels(MOD, "{'users': {" + USERS + "}}")))
                .isEqualTo(refused("cannot change events.m.room.topic from 100: above the sender's own level 50"));
    }

    @Test
    void notificationLevelsAreCheckedFromVersionSix() {
        String change = "{'users': {" + USERS + "}, 'notifications': {'room': 100}}";

        assertThat(room(RoomVersions.V5, "{'users': {" + USERS + "}}").check(levels(MOD, change)))
                .isEqualTo(AuthResult.allowed());
        assertThat(room(RoomVersions.V6, "{'users': {" + USERS + "}}").check(levels(MOD, change)))
                .isEqualTo(refused("cannot set notifications.room to 100: above the sender's own level 50"));
    }

    @Test
    void stringLevelsAreAcceptedInVersionNine() {
        assertThat(room(RoomVersions.V9, "{'users': {" + USERS + "}}").check(levels(ALICE,
                "{'users': {'" + ALICE + "': '100', '" + MOD + "': ' 50 '}, 'ban': '+50',"
                        + " 'events': {'m.room.name': '0'}}")))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void aStringWithTheSameValueIsNoChange() {
        Room room = room(RoomVersions.V9, "{'users': {" + USERS + "}, 'kick': '75'}");

        assertThat(room.check(levels(MOD, "{'users': {" + USERS + "}, 'kick': 75}"))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void stringLevelsAreRefusedInVersionTen() {
        Room room = room(RoomVersions.V10, "{'users': {" + USERS + "}}");

        assertThat(room.check(levels(ALICE, "{'users': {" + USERS + "}, 'ban': '50'}")))
                .isEqualTo(refused("ban is not an integer: \"50\""));
        assertThat(room.check(levels(ALICE, "{'users': {'" + ALICE + "': '100'}}")))
                .isEqualTo(refused("users.@alice:hs1 is not an integer: \"100\""));
        assertThat(room.check(levels(ALICE, "{'users': {" + USERS + "}, 'notifications': {'room': '50'}}")))
                .isEqualTo(refused("notifications.room is not an integer: \"50\""));
        assertThat(room.check(levels(ALICE, "{'users': {" + USERS + "}, 'events': []}")))
                .isEqualTo(refused("events is not an object"));
    }

    @Test
    void usersMustBeKeyedByUserIds() {
        assertThat(room(RoomVersions.V1, "{'users': {" + USERS + "}}").check(levels(ALICE,
                "{'users': {" + USERS + ", 'bob': 10}}"))).isEqualTo(refused("users key bob is not a user ID"));
    }

    @Test
    void valuesThatAreNotIntegersAreRefusedBeforeVersionTenToo() {
        assertThat(room(RoomVersions.V9, "{'users': {" + USERS + "}}").check(levels(ALICE,
                "{'users': {" + USERS + "}, 'ban': 'high'}")))
                .isEqualTo(refused("ban is not an integer or a string holding one: \"high\""));
    }
}
