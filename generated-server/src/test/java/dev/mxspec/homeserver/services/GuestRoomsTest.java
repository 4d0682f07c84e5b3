package dev.mxspec.homeserver.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whether a room's state, as another server's {@code send_join} answers it, lets a guest stay: hostile states included. */
class GuestRoomsTest {

    private static List<ObjectNode> state(String... events) throws Exception {
        List<ObjectNode> out = new ArrayList<>();
        out.add((ObjectNode) MatrixJson.mapper().readTree("{\"type\":\"m.room.create\",\"state_key\":\"\",\"content\":{}}"));
        for (String e : events) {
            out.add((ObjectNode) MatrixJson.mapper().readTree(e));
        }
        return out;
    }

    private static String guestAccess(String stateKey, String content) {
        return "{\"type\":\"m.room.guest_access\",\"state_key\":" + stateKey + ",\"content\":" + content + "}";
    }

    @Test
    void onlyAnEmptyKeyedGuestAccessOfCanJoinOpensTheRoom() throws Exception {
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"\"", "{\"guest_access\":\"can_join\"}")))).isTrue();
        assertThat(GuestRooms.openToGuests(state())).as("no guest access event").isFalse();
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"\"", "{\"guest_access\":\"forbidden\"}")))).isFalse();
    }

    @Test
    void malformedOrMisplacedGuestAccessKeepsGuestsOut() throws Exception {
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"\"", "{\"guest_access\":null}")))).as("JSON null").isFalse();
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"\"", "{}")))).as("no value").isFalse();
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"\"", "null")))).as("null content").isFalse();
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"\"", "{\"guest_access\":\"CAN_JOIN\"}")))).as("another case").isFalse();
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"\"", "{\"guest_access\":[\"can_join\"]}")))).as("an array").isFalse();
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"x\"", "{\"guest_access\":\"can_join\"}")))).as("another state key").isFalse();
        assertThat(GuestRooms.openToGuests(state(guestAccess("null", "{\"guest_access\":\"can_join\"}")))).as("a null state key").isFalse();
        assertThat(GuestRooms.openToGuests(state("{\"type\":\"m.room.guest_access\",\"content\":{\"guest_access\":\"can_join\"}}")))
                .as("no state key").isFalse();
        assertThat(GuestRooms.openToGuests(state("{\"type\":\"m.room.guest_accesses\",\"state_key\":\"\",\"content\":{\"guest_access\":\"can_join\"}}")))
                .as("another type").isFalse();
    }

    @Test
    void anAnswerWithTwoDisagreeingGuestAccessEventsKeepsGuestsOut() throws Exception {
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"\"", "{\"guest_access\":\"forbidden\"}"),
                guestAccess("\"\"", "{\"guest_access\":\"can_join\"}")))).isFalse();
        assertThat(GuestRooms.openToGuests(state(guestAccess("\"\"", "{\"guest_access\":\"can_join\"}"),
                guestAccess("\"\"", "{\"guest_access\":\"can_join\"}")))).as("the same twice").isTrue();
    }
}
