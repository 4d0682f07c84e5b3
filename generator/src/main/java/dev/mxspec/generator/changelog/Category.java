package dev.mxspec.generator.changelog;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of change a release changelog lists under each API, by their {@code <strong>} headings. */
public enum Category {
    NEW_ENDPOINTS("New Endpoints"),
    REMOVED_ENDPOINTS("Removed Endpoints"),
    BREAKING_CHANGES("Breaking Changes"),
    DEPRECATIONS("Deprecations"),
    BACKWARDS_COMPATIBLE_CHANGES("Backwards Compatible Changes"),
    SPEC_CLARIFICATIONS("Spec Clarifications");

    private final String title;

    Category(String title) {
        this.title = title;
    }

    /** The heading as the changelogs write it, e.g. {@code "New Endpoints"}. */
    public String title() {
        return title;
    }

    /** The category with exactly this heading, or empty for a heading the changelogs have not used so far. */
    public static Optional<Category> ofTitle(String title) {
        return Arrays.stream(values()).filter(c -> c.title.equals(title)).findFirst();
    }
}
