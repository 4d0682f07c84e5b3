package dev.mxspec.generator.diff;

import dev.mxspec.generator.changelog.Changelog;
import dev.mxspec.generator.changelog.ChangelogParser;
import dev.mxspec.generator.changelog.Entry;
import dev.mxspec.generator.model.SpecRelease;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything that changed between two releases: the structural changes with the changelog entries
 * that explain them, the entries that promise changes the data does not show, and the impact on
 * generated code.
 *
 * @param from the older release, for example {@code v1.4}
 * @param to the newer release
 * @param changelogs the changelogs of the releases after {@code from} up to {@code to}
 * @param changes structural changes, each with its explaining entries
 * @param unfulfilled entries announcing operation changes that no structural change shows
 * @param code generated classes, methods and record components added, changed or removed
 */
public record ReleaseDiff(
        String from,
        String to,
        List<Changelog> changelogs,
        List<LinkedChange> changes,
        List<Entry> unfulfilled,
        List<CodeChange> code) {

    public ReleaseDiff {
        changelogs = List.copyOf(changelogs);
        changes = List.copyOf(changes);
        unfulfilled = List.copyOf(unfulfilled);
        code = List.copyOf(code);
    }

    /** Compares two releases, reading the changelogs between them from {@code changelogDir}. */
    public static ReleaseDiff compute(SpecRelease from, SpecRelease to, Path changelogDir) {
        List<Changelog> logs = ChangelogParser.between(changelogDir, from.version(), to.version());
        List<LinkedChange> linked = ChangelogLinker.link(StructuralDiff.between(from, to), logs);
        return new ReleaseDiff(from.version(), to.version(), logs, linked, ChangelogLinker.unfulfilled(linked, logs),
                CodeImpact.between(from, to));
    }

    public List<LinkedChange> unexplained() {
        return changes.stream().filter(c -> !c.explained()).toList();
    }
}
