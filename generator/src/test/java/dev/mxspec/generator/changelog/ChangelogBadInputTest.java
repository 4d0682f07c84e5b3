package dev.mxspec.generator.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.parse.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small hand-written changelogs, each odd or broken in one way. */
class ChangelogBadInputTest {

    private static final String HEADER = """
            ---
            date: 2030-01-02T10:00:00+0100
            ---

            ## v9.1

            """;

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("v9.9.md");

        assertThatThrownBy(() -> ChangelogParser.parse(missing))
                .isInstanceOf(SpecException.class)
                .hasMessage(missing + ": changelog file does not exist")
                .satisfies(e -> assertThat(((SpecException) e).file()).isEqualTo(missing));
    }

    @Test
    void aMissingReleaseInARangeIsNamed() throws IOException {
        for (String release : List.of("v1.4", "v1.5", "v1.7")) {
            Files.copy(SpecSources.root().resolve("changelog/" + release + ".md"), dir.resolve(release + ".md"));
        }

        assertThatThrownBy(() -> ChangelogParser.between(dir, "v1.4", "v1.7"))
                .isInstanceOf(SpecException.class)
                .hasMessage(dir.resolve("v1.6.md") + ": changelog of v1.6 does not exist (needed for the releases after "
                        + "v1.4 up to v1.7)");
    }

    @Test
    void aRangeCrossingAMajorVersionEndsTheEarlierMajorAtItsLastChangelog() throws IOException {
        for (String release : List.of("v1.6", "v1.7", "v2.0", "v2.1")) {
            write(release + ".md", "---\ndate: 2030-01-01\n---\n## " + release + "\n");
        }

        assertThat(ChangelogParser.between(dir, "v1.6", "v2.0").stream().map(Changelog::version).toList())
                .containsExactly("v1.7", "v2.0");
    }

    @Test
    void aFileHoldingAnotherReleaseIsRejectedInARange() throws IOException {
        write("v1.8.md", "---\ndate: 2030-01-01\n---\n## v1.9\n");

        assertThatThrownBy(() -> ChangelogParser.between(dir, "v1.7", "v1.8"))
                .isInstanceOf(SpecException.class)
                .hasMessage(dir.resolve("v1.8.md") + ": holds the changelog of v1.9, expected v1.8");
    }

    @Test
    void linesNotUnderstoodAreReportedWithTheirNumbersAndKnownEntriesAreKept() throws IOException {
        Path file = write("v9.1.md", HEADER + """
                - a bullet before any section
                ### Client-Server API

                - a bullet before any category
                <strong>Security Fixes</strong>

                - a bullet under an unknown category
                <strong>Deprecations</strong>

                - Deprecate `m.old with an unclosed code span.
                * a star bullet
                Some stray prose.
                ### Widget API

                <strong>Spec Clarifications</strong>

                - Clarify widgets.
                """);

        Changelog changelog = ChangelogParser.parse(file);

        assertThat(changelog.unparsed()).containsExactly(
                "line 7: entry outside any section: - a bullet before any section",
                "line 10: entry without a category heading: - a bullet before any category",
                "line 11: unknown category: <strong>Security Fixes</strong>",
                "line 13: entry under unknown category: - a bullet under an unknown category",
                "line 16: backtick opens no code span: - Deprecate `m.old with an unclosed code span.",
                "line 17: not understood: * a star bullet",
                "line 18: not understood: Some stray prose.",
                "line 19: unknown section, its entries have no API kind: ### Widget API");
        assertThat(changelog.entries().stream().map(e -> e.api() + " / " + e.apiKind() + " / " + e.summary()).toList())
                .containsExactly(
                        "Client-Server API / Optional[CLIENT_SERVER] / Deprecate `m.old with an unclosed code span.",
                        "Widget API / Optional.empty / Clarify widgets.");
    }

    @Test
    void indentedLinesContinueAnEntryAndEscapesAreResolved() throws IOException {
        Path file = write("v9.1.md", HEADER + """
                ### Server-Server API

                <strong>Breaking Changes</strong>

                - Replace \\_underscored\\_ `GET /_matrix/federation/v1/a`
                  by `GET /_matrix/federation/v2/a`, as per
                  [MSC1234](https://github.com/matrix-org/matrix-spec-proposals/pull/1234).
                  ([#10](https://github.com/matrix-org/matrix-spec/issues/10), [#11](https://github.com/matrix-org/matrix-spec/issues/11))
                - Next.
                """);

        Changelog changelog = ChangelogParser.parse(file);

        assertThat(changelog.unparsed()).isEmpty();
        assertThat(changelog.entries().getFirst()).isEqualTo(new Entry(
                "Server-Server API", Optional.of(ApiKind.SERVER_SERVER), Category.BREAKING_CHANGES,
                """
                Replace \\_underscored\\_ `GET /_matrix/federation/v1/a`
                by `GET /_matrix/federation/v2/a`, as per
                [MSC1234](https://github.com/matrix-org/matrix-spec-proposals/pull/1234).
                ([#10](https://github.com/matrix-org/matrix-spec/issues/10), [#11](https://github.com/matrix-org/matrix-spec/issues/11))""",
                "Replace _underscored_ GET /_matrix/federation/v1/a by GET /_matrix/federation/v2/a, as per MSC1234.",
                List.of(1234), List.of(10, 11), List.of("GET /_matrix/federation/v1/a", "GET /_matrix/federation/v2/a"),
                List.of(), List.of(), "v9.1", 11));
        assertThat(changelog.entries().get(1).line()).isEqualTo(15);
    }

    @Test
    void theReleaseDateRowServesWhenThereIsNoFrontMatter() throws IOException {
        Path file = write("v9.1.md", """
                ## v9.1

                <table class="release-info">
                <tr><th>Release date</th><td>March 3, 2031</td>
                </table>
                """);

        assertThat(ChangelogParser.parse(file).date()).isEqualTo(LocalDate.of(2031, 3, 3));
    }

    @Test
    void aReleaseDateContradictingTheFrontMatterIsReported() throws IOException {
        Path file = write("v9.1.md", HEADER + """
                <table class="release-info">
                <tr><th>Release date</th><td>March 3, 2031</td>
                </table>
                """);

        Changelog changelog = ChangelogParser.parse(file);

        assertThat(changelog.date()).isEqualTo(LocalDate.of(2030, 1, 2));
        assertThat(changelog.unparsed()).containsExactly("line 8: release date differs from the front matter date "
                + "2030-01-02: <tr><th>Release date</th><td>March 3, 2031</td>");
    }

    @Test
    void aFileWithoutVersionHeadingIsNotAChangelog() throws IOException {
        Path file = write("notes.md", "# Notes\n\nNothing here.\n");

        assertThatThrownBy(() -> ChangelogParser.parse(file))
                .isInstanceOf(SpecException.class)
                .hasMessage(file + ": no version heading: expected a line such as '## v1.7'");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
