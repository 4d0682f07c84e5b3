package dev.mxspec.homeserver.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import org.junit.jupiter.api.Test;

class CreateEventAuthTest {

    private static AuthResult check(ObjectNode create) {
        return AuthRules.check(create, AuthState.empty(ServerKeys.none()), RoomVersions.V10);
    }

    @Test
    void aCreateEventOnTheSendersServerIsAllowed() {
        assertThat(check(Events.create(Room.ALICE, RoomVersions.V10))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aCreateEventWithPrevEventsIsRefused() {
        ObjectNode create = Events.create(Room.ALICE, RoomVersions.V10);
        create.putArray("prev_events").add("$earlier");

        assertThat(check(create)).isEqualTo(AuthResult.refused(AuthRule.CREATE,
                "m.room.create must not have prev_events"));
    }

    @Test
    void aRoomOnAnotherServerThanTheSendersIsRefused() {
        assertThat(check(Events.create(Room.CAROL, RoomVersions.V10))).isEqualTo(AuthResult.refused(AuthRule.CREATE,
                "room ID !room:hs1 is not on the sender's server"));
    }

    @Test
    void anUnknownRoomVersionIsRefused() {
        ObjectNode create = Events.create(Room.ALICE, RoomVersions.V10);
        ((ObjectNode) create.get("content")).put("room_version", "11");

        assertThat(check(create)).isEqualTo(AuthResult.refused(AuthRule.CREATE,
                "room version \"11\" is not recognised"));
    }

    @Test
    void aMissingRoomVersionIsAllowed() {
        ObjectNode create = Events.create(Room.ALICE, RoomVersions.V1);
        ((ObjectNode) create.get("content")).remove("room_version");

        assertThat(check(create)).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aCreateEventWithoutCreatorIsRefused() {
        ObjectNode create = Events.create(Room.ALICE, RoomVersions.V10);
        ((ObjectNode) create.get("content")).remove("creator");

        assertThat(check(create)).isEqualTo(AuthResult.refused(AuthRule.CREATE,
                "m.room.create has no creator in content"));
    }
}
