package dev.mxspec.homeserver.rooms;

import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which {@code content} keys the redaction algorithm keeps, per event type: the variants of room versions 1
 * to 10. The top-level keys kept are the same in all of them ({@link Redaction#TOP_LEVEL_KEYS}).
 */
public enum RedactionRules {

    /** Versions 1 to 5. */
    V1(Map.of(
            "m.room.member", Set.of("membership"),
            "m.room.create", Set.of("creator"),
            "m.room.join_rules", Set.of("join_rule"),
            "m.room.power_levels", Set.of("ban", "events", "events_default", "kick", "redact", "state_default",
                    "users", "users_default"),
            "m.room.aliases", Set.of("aliases"),
            "m.room.history_visibility", Set.of("history_visibility"))),

    /** Versions 6 and 7: {@code m.room.aliases} loses its protected {@code aliases}. */
    V6(Map.of(
            "m.room.member", Set.of("membership"),
            "m.room.create", Set.of("creator"),
            "m.room.join_rules", Set.of("join_rule"),
            "m.room.power_levels", Set.of("ban", "events", "events_default", "kick", "redact", "state_default",
                    "users", "users_default"),
            "m.room.history_visibility", Set.of("history_visibility"))),

    /** Version 8: {@code m.room.join_rules} keeps {@code allow}. */
    V8(Map.of(
            "m.room.member", Set.of("membership"),
            "m.room.create", Set.of("creator"),
            "m.room.join_rules", Set.of("join_rule", "allow"),
            "m.room.power_levels", Set.of("ban", "events", "events_default", "kick", "redact", "state_default",
                    "users", "users_default"),
            "m.room.history_visibility", Set.of("history_visibility"))),

    /** Versions 9 and 10: {@code m.room.member} keeps {@code join_authorised_via_users_server}. */
    V9(Map.of(
            "m.room.member", Set.of("membership", "join_authorised_via_users_server"),
            "m.room.create", Set.of("creator"),
            "m.room.join_rules", Set.of("join_rule", "allow"),
            "m.room.power_levels", Set.of("ban", "events", "events_default", "kick", "redact", "state_default",
                    "users", "users_default"),
            "m.room.history_visibility", Set.of("history_visibility")));

    private final Map<String, Set<String>> contentKeys;

    RedactionRules(Map<String, Set<String>> contentKeys) {
        this.contentKeys = contentKeys;
    }

    /** The {@code content} keys kept for an event of {@code type}, sorted; empty for most types. */
    public SortedSet<String> contentKeys(String type) {
        return new TreeSet<>(contentKeys.getOrDefault(type, Set.of()));
    }
}
