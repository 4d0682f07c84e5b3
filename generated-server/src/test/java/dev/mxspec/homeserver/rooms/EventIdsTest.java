package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Events.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Expected IDs were computed independently, with Python's json, hashlib and base64. */
class EventIdsTest {

    /** A create event whose reference hash holds both {@code +} and {@code /} in standard Base64. */
    private static ObjectNode createEvent() {
        return json("""
                {'auth_events': [], 'content': {'creator': '@alice:hs1', 'room_version': '4', 'm.federate': true},
                 'depth': 1, 'hashes': {'sha256': 'aGFzaA'}, 'origin_server_ts': 1004, 'prev_events': [],
                 'room_id': '!r:hs1', 'sender': '@alice:hs1', 'state_key': '', 'type': 'm.room.create',
                 'signatures': {'hs1': {'ed25519:1': 'c2ln'}}, 'unsigned': {'age': 12}}""");
    }

    @Test
    void versionThreeUsesStandardBase64OfTheReferenceHash() {
        assertThat(EventIds.of(createEvent(), RoomVersions.V3))
                .isEqualTo(Optional.of("$hYICdhv/O6+9H3w+d9twfkIYMBNNAjo8Hu6DI8I7mY0"));
    }

    @Test
    void versionsFourAndLaterUseUrlSafeBase64OfTheReferenceHash() {
        assertThat(EventIds.of(createEvent(), RoomVersions.V4))
                .isEqualTo(Optional.of("$hYICdhv_O6-9H3w-d9twfkIYMBNNAjo8Hu6DI8I7mY0"));
        assertThat(EventIds.of(createEvent(), RoomVersions.V10))
                .isEqualTo(Optional.of("$hYICdhv_O6-9H3w-d9twfkIYMBNNAjo8Hu6DI8I7mY0"));
    }

    @Test
    void anEventIdFieldDoesNotChangeADerivedId() {
        ObjectNode event = createEvent();
        event.put("event_id", "$whatever:hs1");

        assertThat(EventIds.referenceId(event, RoomVersions.V4))
                .isEqualTo("$hYICdhv_O6-9H3w-d9twfkIYMBNNAjo8Hu6DI8I7mY0");
    }

    @Test
    void versionsOneAndTwoReadTheEventIdField() {
        ObjectNode event = createEvent();
        event.put("event_id", "$abc:hs1");

        assertThat(EventIds.of(event, RoomVersions.V1)).isEqualTo(Optional.of("$abc:hs1"));
        assertThat(EventIds.of(createEvent(), RoomVersions.V2)).isEmpty();
    }

    @Test
    void randomIdsCarryTheServerName() {
        String id = EventIds.random("hs1.example:8448");

        assertThat(id).matches("\\$[A-Za-z0-9_-]{24}:hs1\\.example:8448");
        assertThat(EventIds.random("hs1")).isNotEqualTo(EventIds.random("hs1"));
    }

    @Test
    void versionsOneAndTwoHaveNoReferenceIds() {
        assertThatThrownBy(() -> EventIds.referenceId(createEvent(), RoomVersions.V2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("room version 2 does not derive event IDs");
    }
}
