package dev.mxspec.homeserver.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PowerLevelValueTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    void acceptsTheStringFormsTheSpecListsBeforeVersionTen() {
        Map<String, Optional<Long>> parsed = new LinkedHashMap<>();
        for (String text : List.of("100", "000100", "+100", "-100", " 100 ", " 00100 ", " +100 ", " -100 ")) {
            parsed.put(text, PowerLevelValue.parse(JSON.textNode(text), RoomVersions.V9));
        }

        assertThat(parsed).containsExactly(
                Map.entry("100", Optional.of(100L)), Map.entry("000100", Optional.of(100L)),
                Map.entry("+100", Optional.of(100L)), Map.entry("-100", Optional.of(-100L)),
                Map.entry(" 100 ", Optional.of(100L)), Map.entry(" 00100 ", Optional.of(100L)),
                Map.entry(" +100 ", Optional.of(100L)), Map.entry(" -100 ", Optional.of(-100L)));
    }

    @Test
    void refusesStringsThatAreNotIntegers() {
        assertThat(List.of("1.5", "1e2", "", "+-1", "1_000", "0x10", "ten").stream()
                .map(text -> PowerLevelValue.parse(JSON.textNode(text), RoomVersions.V9)))
                .allMatch(Optional::isEmpty);
    }

    @Test
    void refusesStringsInVersionTen() {
        assertThat(PowerLevelValue.parse(JSON.textNode("100"), RoomVersions.V10)).isEmpty();
        assertThat(PowerLevelValue.parse(JSON.numberNode(100), RoomVersions.V10)).isEqualTo(Optional.of(100L));
    }

    @Test
    void refusesFloatsBooleansAndNull() {
        assertThat(PowerLevelValue.parse(JSON.numberNode(50.0), RoomVersions.V1)).isEmpty();
        assertThat(PowerLevelValue.parse(JSON.booleanNode(true), RoomVersions.V1)).isEmpty();
        assertThat(PowerLevelValue.parse(JSON.nullNode(), RoomVersions.V1)).isEmpty();
        assertThat(PowerLevelValue.parse(null, RoomVersions.V1)).isEmpty();
    }
}
