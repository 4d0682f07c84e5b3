package dev.mxspec.generator.changelog;

import dev.mxspec.generator.model.ApiKind;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The changelog of one spec release.
 *
 * @param version the release, e.g. {@code "v1.7"}, from the {@code ## v1.7} heading
 * @param date the release date: the date part of the front matter's {@code date:}, else the "Release date" row
 * @param entries every entry, in file order
 * @param unparsed each line or entry the parser did not fully understand, as {@code "line 42: reason: text"}; empty
 *     for every published changelog v1.1 to v1.7
 */
public record Changelog(String version, LocalDate date, List<Entry> entries, List<String> unparsed) {

    public Changelog {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(date, "date");
        entries = List.copyOf(entries);
        unparsed = List.copyOf(unparsed);
    }

    /** The entries listed under this heading, across all sections, in file order. */
    public List<Entry> entries(Category category) {
        return entries.stream().filter(e -> e.category() == category).toList();
    }

    /** The entries in this API's section, in file order. */
    public List<Entry> entries(ApiKind api) {
        Optional<ApiKind> kind = Optional.of(api);
        return entries.stream().filter(e -> e.apiKind().equals(kind)).toList();
    }
}
