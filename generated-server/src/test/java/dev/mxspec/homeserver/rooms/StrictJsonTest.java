package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    @Test
    void versionSixRefusesFloats() {
        assertThat(StrictJson.violation(json("{'content': {'list': [1, 2.5]}}"), RoomVersions.V6))
                .isEqualTo(Optional.of("float 2.5 at content.list[1] is not allowed in canonical JSON"));
    }

    @Test
    void versionSixRefusesIntegersOutOfRange() {
        assertThat(StrictJson.violation(json("{'depth': 9007199254740992}"), RoomVersions.V6))
                .isEqualTo(Optional.of("integer 9007199254740992 at depth is out of the canonical JSON range"));
        assertThat(StrictJson.violation(json("{'depth': 9007199254740991}"), RoomVersions.V6)).isEmpty();
        assertThat(StrictJson.violation(json("{'depth': -9007199254740991}"), RoomVersions.V6)).isEmpty();
    }

    @Test
    void versionFiveToleratesBoth() {
        assertThat(StrictJson.violation(json("{'a': 2.5, 'depth': 9007199254740992}"), RoomVersions.V5)).isEmpty();
    }
}
