package dev.mxspec.generator.changelog;

import dev.mxspec.generator.parse.SpecException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads the release changelogs of the Matrix spec ({@code changelog/v1.1.md} ... {@code v1.7.md}). */
public final class ChangelogParser {

    private ChangelogParser() {}

    /** The changelog in {@code file}; a missing or unreadable file is a {@link SpecException} naming it. */
    public static Changelog parse(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return ChangelogReader.read(absolute, lines(absolute));
    }

    /**
     * The changelogs of the releases after {@code fromExclusive} up to and including {@code toInclusive}, in release
     * order: {@code ("v1.4", "v1.7")} gives v1.5, v1.6 and v1.7. A release in that range without its file
     * {@code <version>.md} in {@code changelogDir} is a {@link SpecException} naming the missing file, and so is a
     * file whose heading names another release. A version that is not of the form {@code v1.7}, or a first release
     * later than the last, is an {@link IllegalArgumentException}.
     */
    public static List<Changelog> between(Path changelogDir, String fromExclusive, String toInclusive) {
        Path dir = changelogDir.toAbsolutePath().normalize();
        ReleaseVersion from = ReleaseVersion.parse(fromExclusive);
        ReleaseVersion to = ReleaseVersion.parse(toInclusive);
        List<Changelog> changelogs = new ArrayList<>();
        for (ReleaseVersion release : from.after(to, lastMinors(dir))) {
            Path file = dir.resolve(release + ".md");
            if (!Files.isRegularFile(file)) {
                throw new SpecException(file, 0, "changelog of " + release + " does not exist (needed for the releases after "
                        + from + " up to " + to + ")");
            }
            Changelog changelog = parse(file);
            if (!changelog.version().equals(release.toString())) {
                throw new SpecException(file, 0, "holds the changelog of " + changelog.version() + ", expected " + release);
            }
            changelogs.add(changelog);
        }
        return List.copyOf(changelogs);
    }

    /** The highest minor version with a changelog file, per major version; empty for a missing folder. */
    private static Map<Integer, Integer> lastMinors(Path dir) {
        Map<Integer, Integer> last = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return last;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString())
                    .filter(ReleaseVersion::isChangelogFile)
                    .map(name -> ReleaseVersion.parse(name.substring(0, name.length() - 3)))
                    .forEach(v -> last.merge(v.major(), v.minor(), Math::max));
        } catch (IOException e) {
            throw new SpecException(dir, 0, "cannot list the changelog folder: " + e.getMessage(), e);
        }
        return last;
    }

    private static List<String> lines(Path file) {
        if (Files.isDirectory(file)) {
            throw new SpecException(file, 0, "is a folder; expected a release changelog such as changelog/v1.7.md");
        }
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            if (!lines.isEmpty() && lines.getFirst().startsWith("\uFEFF")) {
                lines.set(0, lines.getFirst().substring(1));
            }
            return lines;
        } catch (NoSuchFileException e) {
            throw new SpecException(file, 0, "changelog file does not exist", e);
        } catch (CharacterCodingException e) {
            throw new SpecException(file, 0, "changelog is not UTF-8 text", e);
        } catch (IOException e) {
            throw new SpecException(file, 0, "cannot read changelog: " + e, e);
        }
    }
}
