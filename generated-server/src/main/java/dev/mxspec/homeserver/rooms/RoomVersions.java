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

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The room versions of spec v1.7, all stable. */
public final class RoomVersions {

    public static final RoomVersion V1 = new RoomVersion("1", true, EventIdFormat.SERVER_ASSIGNED,
            RedactionRules.V1, StateResolution.V1, Set.of(ALIASES_AUTH_RULE, REDACTION_AUTH_RULE));
    public static final RoomVersion V2 = new RoomVersion("2", true, EventIdFormat.SERVER_ASSIGNED,
            RedactionRules.V1, StateResolution.V2, Set.of(ALIASES_AUTH_RULE, REDACTION_AUTH_RULE));
    public static final RoomVersion V3 = new RoomVersion("3", true, EventIdFormat.REFERENCE_HASH,
            RedactionRules.V1, StateResolution.V2, Set.of(ALIASES_AUTH_RULE));
    public static final RoomVersion V4 = new RoomVersion("4", true, EventIdFormat.URL_SAFE_REFERENCE_HASH,
            RedactionRules.V1, StateResolution.V2, Set.of(ALIASES_AUTH_RULE));
    public static final RoomVersion V5 = new RoomVersion("5", true, EventIdFormat.URL_SAFE_REFERENCE_HASH,
            RedactionRules.V1, StateResolution.V2, Set.of(ALIASES_AUTH_RULE, KEY_VALIDITY));
    public static final RoomVersion V6 = new RoomVersion("6", true, EventIdFormat.URL_SAFE_REFERENCE_HASH,
            RedactionRules.V6, StateResolution.V2,
            Set.of(KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS));
    public static final RoomVersion V7 = new RoomVersion("7", true, EventIdFormat.URL_SAFE_REFERENCE_HASH,
            RedactionRules.V6, StateResolution.V2,
            Set.of(KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS, KNOCKING));
    public static final RoomVersion V8 = new RoomVersion("8", true, EventIdFormat.URL_SAFE_REFERENCE_HASH,
            RedactionRules.V8, StateResolution.V2,
            Set.of(KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS, KNOCKING, RESTRICTED_JOINS));
    public static final RoomVersion V9 = new RoomVersion("9", true, EventIdFormat.URL_SAFE_REFERENCE_HASH,
            RedactionRules.V9, StateResolution.V2,
            Set.of(KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS, KNOCKING, RESTRICTED_JOINS));
    public static final RoomVersion V10 = new RoomVersion("10", true, EventIdFormat.URL_SAFE_REFERENCE_HASH,
            RedactionRules.V9, StateResolution.V2,
            Set.of(KEY_VALIDITY, STRICT_CANONICAL_JSON, NOTIFICATIONS_POWER_LEVELS, KNOCKING, RESTRICTED_JOINS,
                    KNOCK_RESTRICTED, INTEGER_POWER_LEVELS));

    private static final List<RoomVersion> SUPPORTED = List.of(V1, V2, V3, V4, V5, V6, V7, V8, V9, V10);

    private RoomVersions() {}

    /** The version with this ID, if this server supports it. */
    public static Optional<RoomVersion> of(String id) {
        return SUPPORTED.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    /** Version 10, which the spec says servers SHOULD use for new rooms ({@code default} is a Java keyword). */
    public static RoomVersion defaultVersion() {
        return V10;
    }

    /** Versions 1 to 10, in order. */
    public static List<RoomVersion> supported() {
        return SUPPORTED;
    }
}
