package dev.mxspec.generator.model;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The spec's own version markers on an operation, parameter or field.
 *
 * @param addedIn {@code x-addedInMatrixVersion}, for example {@code 1.7}
 * @param changedIn {@code x-changedInMatrixVersion}: spec version to what changed then
 * @param deprecated {@code deprecated: true}
 */
public record VersionInfo(Optional<String> addedIn, SortedMap<String, String> changedIn, boolean deprecated) {

    public static final VersionInfo NONE = new VersionInfo(Optional.empty(), new TreeMap<>(), false);

    public VersionInfo {
        changedIn = Collections.unmodifiableSortedMap(new TreeMap<>(changedIn));
    }

    public boolean isEmpty() {
        return addedIn.isEmpty() && changedIn.isEmpty() && !deprecated;
    }
}
