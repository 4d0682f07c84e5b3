package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.RoomFeature.ALIASES_AUTH_RULE;
import static dev.mxspec.homeserver.rooms.RoomFeature.INTEGER_POWER_LEVELS;
import static dev.mxspec.homeserver.rooms.RoomFeature.KEY_VALIDITY;
import static dev.mxspec.homeserver.rooms.RoomFeature.KNOCKING;
import static dev.mxspec.homeserver.rooms.RoomFeature.KNOCK_RESTRICTED;
import static dev.mxspec.homeserver.rooms.RoomFeature.NOTIFICATIONS_POWER_LEVELS;
import static dev.mxspec.homeserver.rooms.RoomFeature.REDACTION_AUTH_RULE;
import static dev.mxspec.homeserver.rooms.RoomFeature.RESTRICTED_JOINS;
import static dev.mxspec.homeserver.rooms.RoomFeature.STRICT_CANONICAL_JSON;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RoomVersionsTest {

    @Test
    void supportsVersionsOneToTenInOrder() {
        assertThat(RoomVersions.supported()).extracting(RoomVersion::id)
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        assertThat(RoomVersions.supported()).allMatch(RoomVersion::stable);
    }

    @Test
    void defaultsToVersionTen() {
        assertThat(RoomVersions.defaultVersion()).isSameAs(RoomVersions.V10);
    }

    @Test
    void findsVersionsByIdAndNotUnknownOnes() {
        assertThat(RoomVersions.of("7")).isEqualTo(Optional.of(RoomVersions.V7));
        assertThat(RoomVersions.of("11")).isEmpty();
        assertThat(RoomVersions.of("org.example.custom")).isEmpty();
    }

    @Test
    void versionTenIsDescribedCompletely() {
        assertThat(RoomVersions.V10).isEqualTo(new RoomVersion("10", true, EventIdFormat.URL_SAFE_REFERENCE_HASH,
                RedactionRules.V9, StateResolution.V2, Set.of(KEY_VALIDITY, STRICT_CANONICAL_JSON,
                        NOTIFICATIONS_POWER_LEVELS, KNOCKING, RESTRICTED_JOINS, KNOCK_RESTRICTED,
                        INTEGER_POWER_LEVELS)));
    }

    @Test
    void eventIdFormatsFollowTheVersions() {
        assertThat(byVersion(v -> v.eventIdFormat().name())).isEqualTo(new TreeMap<>(Map.of(
                "01", "SERVER_ASSIGNED", "02", "SERVER_ASSIGNED", "03", "REFERENCE_HASH",
                "04", "URL_SAFE_REFERENCE_HASH", "05", "URL_SAFE_REFERENCE_HASH", "06", "URL_SAFE_REFERENCE_HASH",
                "07", "URL_SAFE_REFERENCE_HASH", "08", "URL_SAFE_REFERENCE_HASH", "09", "URL_SAFE_REFERENCE_HASH",
                "10", "URL_SAFE_REFERENCE_HASH")));
    }

    @Test
    void redactionRulesAndStateResolutionFollowTheVersions() {
        assertThat(byVersion(v -> v.redactionRules() + "/" + v.stateResolution())).isEqualTo(new TreeMap<>(Map.of(
                "01", "V1/V1", "02", "V1/V2", "03", "V1/V2", "04", "V1/V2", "05", "V1/V2",
                "06", "V6/V2", "07", "V6/V2", "08", "V8/V2", "09", "V9/V2", "10", "V9/V2")));
    }

    @Test
    void featuresMatchTheSpecsFeatureMatrixAndRuleChanges() {
        assertThat(byVersion(v -> v.features().toString())).isEqualTo(new TreeMap<>(Map.of(
                "01", "[ALIASES_AUTH_RULE, REDACTION_AUTH_RULE]",
                "02", "[ALIASES_AUTH_RULE, REDACTION_AUTH_RULE]",
                "03", "[ALIASES_AUTH_RULE]",
                "04", "[ALIASES_AUTH_RULE]",
                "05", "[ALIASES_AUTH_RULE, KEY_VALIDITY]",
                "06", "[KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS]",
                "07", "[KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS, KNOCKING]",
                "08", "[KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS, KNOCKING, RESTRICTED_JOINS]",
                "09", "[KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS, KNOCKING, RESTRICTED_JOINS]",
                "10", "[KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS, KNOCKING, RESTRICTED_JOINS,"
                        + " KNOCK_RESTRICTED, INTEGER_POWER_LEVELS]")));
        assertThat(RoomVersions.V5.has(ALIASES_AUTH_RULE)).isTrue();
        assertThat(RoomVersions.V3.has(REDACTION_AUTH_RULE)).isFalse();
    }

    private static TreeMap<String, String> byVersion(java.util.function.Function<RoomVersion, String> property) {
        TreeMap<String, String> map = new TreeMap<>();
        for (RoomVersion version : RoomVersions.supported()) {
            map.put(String.format("%02d", Integer.parseInt(version.id())), property.apply(version));
        }
        return map;
    }
}
