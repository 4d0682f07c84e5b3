package dev.mxspec.homeserver.rooms;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A room version and how it differs from the others, as data.
 *
 * @param id              the version string, {@code "1"} to {@code "10"}
 * @param stable          whether the spec lists it as stable
 * @param eventIdFormat   how events are named
 * @param redactionRules  which content keys redaction keeps
 * @param stateResolution which state resolution algorithm applies
 * @param features        the rules this version has among those that vary
 */
public record RoomVersion(
        String id,
        boolean stable,
        EventIdFormat eventIdFormat,
        RedactionRules redactionRules,
        StateResolution stateResolution,
        Set<RoomFeature> features) {

    public RoomVersion {
        features = Collections.unmodifiableSet(enumSet(features));
    }

    public boolean has(RoomFeature feature) {
        return features.contains(feature);
    }

    private static EnumSet<RoomFeature> enumSet(Collection<RoomFeature> features) {
        EnumSet<RoomFeature> set = EnumSet.noneOf(RoomFeature.class);
        set.addAll(features);
        return set;
    }
}
