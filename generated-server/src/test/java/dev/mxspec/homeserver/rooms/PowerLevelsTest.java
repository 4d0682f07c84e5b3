package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PowerLevelsTest {

    @Test
    void withoutAnEventTheCreatorHasOneHundredAndDefaultsApply() {
        assertThat(PowerLevels.withoutEvent("@alice:hs1")).isEqualTo(new PowerLevels(50, 0, 50, 50, 0, 50, 0,
                Map.of(), Map.of("@alice:hs1", 100L), Map.of("room", 50L)));
    }

    @Test
    void anEmptyEventGivesTheSchemaDefaults() {
        assertThat(PowerLevels.fromContent(json("{}"))).isEqualTo(new PowerLevels(50, 0, 50, 50, 0, 50, 0,
                Map.of(), Map.of(), Map.of("room", 50L)));
    }

    @Test
    void readsEveryProperty() {
        PowerLevels levels = PowerLevels.fromContent(json("{'ban': 60, 'invite': 10, 'kick': 40, 'redact': 30,"
                + " 'events_default': 5, 'state_default': 70, 'users_default': 1,"
                + " 'events': {'m.room.name': 20}, 'users': {'@a:hs1': 100}, 'notifications': {'room': 20}}"));

        assertThat(levels).isEqualTo(new PowerLevels(60, 10, 40, 30, 5, 70, 1, Map.of("m.room.name", 20L),
                Map.of("@a:hs1", 100L), Map.of("room", 20L)));
    }

    @Test
    void readsIntegerStringsAndSkipsValuesThatAreNotIntegers() {
        PowerLevels levels = PowerLevels.fromContent(json("{'ban': ' +0100 ', 'kick': 'lots', 'redact': 2.5,"
                + " 'users': {'@a:hs1': '-7', '@b:hs1': true}}"));

        assertThat(levels).isEqualTo(new PowerLevels(100, 0, 50, 50, 0, 50, 0, Map.of(), Map.of("@a:hs1", -7L),
                Map.of("room", 50L)));
    }

    @Test
    void usersWithoutAnEntryHaveUsersDefault() {
        PowerLevels levels = PowerLevels.fromContent(json("{'users_default': 3, 'users': {'@a:hs1': 100}}"));

        assertThat(levels.userLevel("@a:hs1")).isEqualTo(100);
        assertThat(levels.userLevel("@b:hs1")).isEqualTo(3);
    }

    @Test
    void eventTypesWithoutAnEntryNeedStateOrEventsDefault() {
        PowerLevels levels = PowerLevels.fromContent(json("{'events': {'m.room.name': 20, 'm.reaction': 7}}"));

        assertThat(levels.eventLevel("m.room.name", true)).isEqualTo(20);
        assertThat(levels.eventLevel("m.reaction", false)).isEqualTo(7);
        assertThat(levels.eventLevel("m.room.topic", true)).isEqualTo(50);
        assertThat(levels.eventLevel("m.room.message", false)).isEqualTo(0);
    }

    @Test
    void roomNotificationsDefaultToFiftyAndOtherKeysHaveNoDefault() {
        PowerLevels levels = PowerLevels.fromContent(json("{'notifications': {'custom': 12}}"));

        assertThat(levels.notificationLevel("room")).isEqualTo(Optional.of(50L));
        assertThat(levels.notificationLevel("custom")).isEqualTo(Optional.of(12L));
        assertThat(levels.notificationLevel("other")).isEmpty();
    }
}
