package dev.mxspec.generator.changelog;

import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.parse.SpecException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the lines of one release changelog, top to bottom: front matter, HTML comments, the {@code ## v1.7} heading,
 * the release-info table, then {@code ### API} sections with {@code <strong>Category</strong>} headings and
 * {@code - } entries. Every other line is recorded as unparsed, never skipped.
 */
final class ChangelogReader {

    private static final Map<String, Optional<ApiKind>> SECTIONS = Map.of(
            "Client-Server API", Optional.of(ApiKind.CLIENT_SERVER),
            "Server-Server API", Optional.of(ApiKind.SERVER_SERVER),
            "Application Service API", Optional.of(ApiKind.APPLICATION_SERVICE),
            "Identity Service API", Optional.of(ApiKind.IDENTITY),
            "Push Gateway API", Optional.of(ApiKind.PUSH_GATEWAY),
            "Room Versions", Optional.empty(),
            "Appendices", Optional.empty(),
            "Internal Changes/Tooling", Optional.empty());

    private static final Pattern FRONT_MATTER_DATE = Pattern.compile("date:\\s*(\\d{4}-\\d{2}-\\d{2})(?:T\\S*)?");
    private static final Pattern VERSION_HEADING = Pattern.compile("## (v\\d+\\.\\d+)");
    /** {@code ### API} up to v1.11; {@code ## API} from v1.12, where the version is in the front matter. */
    private static final Pattern SECTION_HEADING = Pattern.compile("#{2,3} (.+)");
    /** {@code <strong>Category</strong>} up to v1.7, {@code **Category**} from v1.8. */
    private static final Pattern CATEGORY_HEADING = Pattern.compile("<strong>(.+)</strong>|\\*\\*(.+)\\*\\*");
    /** Front matter of v1.12 and later: {@code linkTitle: v1.16} names the version. */
    private static final Pattern FRONT_MATTER_VERSION = Pattern.compile("linkTitle:\\s*(v\\d+\\.\\d+)");
    /** Front matter keys about the page, not the release. */
    private static final Pattern FRONT_MATTER_PAGE = Pattern.compile("(title|type|layout|outputs):.*|- (html|checklist)");
    private static final Pattern RELEASE_DATE_ROW = Pattern.compile("<tr><th>Release date</th><td>(.*)</td>(?:</tr>)?");
    private static final Pattern GIT_COMMIT_ROW = Pattern.compile("<tr><th>(?:Git commit|Checklist)</th><td>.*</td>(?:</tr>)?");
    private static final DateTimeFormatter RELEASE_DATE = DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.ENGLISH);
    private static final String NO_CHANGES = "No significant changes.";

    /** An entry read before the version is known. */
    private record Draft(String api, Optional<ApiKind> apiKind, Category category, String text, int line) {}

    /** Something not understood, at a 1-based line. */
    private record Note(int line, String text) {}

    private final Path file;
    private final List<Draft> drafts = new ArrayList<>();
    private final List<Note> unparsed = new ArrayList<>();
    private String version;
    private LocalDate frontMatterDate;
    private LocalDate releaseDate;
    private int releaseDateLine;
    private String section;
    private Optional<ApiKind> apiKind = Optional.empty();
    private String categoryTitle;
    private Category category;
    private int entryLine;
    private StringBuilder entryText;

    private ChangelogReader(Path file) {
        this.file = file;
    }

    static Changelog read(Path file, List<String> lines) {
        return new ChangelogReader(file).changelog(lines);
    }

    private Changelog changelog(List<String> lines) {
        for (int i = frontMatter(lines); i < lines.size(); i++) {
            String line = lines.get(i).stripTrailing();
            if (line.isEmpty()) {
                continue;
            }
            if (entryText != null && Character.isWhitespace(line.charAt(0))) {
                entryText.append('\n').append(line.strip());
                continue;
            }
            finishEntry();
            if (line.startsWith("<!--")) {
                i = comment(lines, i);
            } else {
                line(i + 1, line);
            }
        }
        finishEntry();
        if (version == null) {
            throw new SpecException(file, 0, "no version heading: expected a line such as '## v1.7'");
        }
        List<Entry> entries = drafts.stream().map(this::entry).toList();
        LocalDate date = date(lines);
        List<String> notes = unparsed.stream().sorted(Comparator.comparingInt(Note::line)).map(Note::text).toList();
        return new Changelog(version, date, entries, notes);
    }

    /** Reads the {@code ---} front matter, if any; returns the index of the first line after it. */
    private int frontMatter(List<String> lines) {
        if (lines.isEmpty() || !lines.getFirst().strip().equals("---")) {
            return 0;
        }
        int end = 1;
        while (end < lines.size() && !lines.get(end).strip().equals("---")) {
            end++;
        }
        if (end == lines.size()) {
            unparsed(1, "front matter is never closed", lines.getFirst());
            return 1;
        }
        for (int i = 1; i < end; i++) {
            String line = lines.get(i).strip();
            Matcher date = FRONT_MATTER_DATE.matcher(line);
            Matcher linkTitle = FRONT_MATTER_VERSION.matcher(line);
            if (date.matches()) {
                frontMatterDate = localDate(date.group(1), i + 1, line, DateTimeFormatter.ISO_LOCAL_DATE);
            } else if (linkTitle.matches()) {
                version = linkTitle.group(1);
            } else if (!line.isEmpty() && !FRONT_MATTER_PAGE.matcher(line).matches()) {
                unparsed(i + 1, "unknown front matter", line);
            }
        }
        return end + 1;
    }

    /** Skips an HTML comment starting at {@code start}; returns the index of its last line. */
    private int comment(List<String> lines, int start) {
        int i = start;
        int from = 4;
        while (i < lines.size()) {
            int close = lines.get(i).indexOf("-->", from);
            if (close >= 0) {
                String after = lines.get(i).substring(close + 3).strip();
                if (!after.isEmpty()) {
                    unparsed(i + 1, "text after a comment", after);
                }
                return i;
            }
            i++;
            from = 0;
        }
        unparsed(start + 1, "comment is never closed", lines.get(start));
        return lines.size();
    }

    private void line(int number, String line) {
        Matcher m;
        if ((m = VERSION_HEADING.matcher(line)).matches()) {
            if (version != null && !version.equals(m.group(1))) {
                unparsed(number, "second version heading in one file", line);
            } else {
                version = m.group(1);
            }
        } else if ((m = SECTION_HEADING.matcher(line)).matches()) {
            section = m.group(1).strip();
            apiKind = SECTIONS.getOrDefault(section, Optional.empty());
            if (!SECTIONS.containsKey(section)) {
                unparsed(number, "unknown section, its entries have no API kind", line);
            }
            categoryTitle = null;
            category = null;
        } else if ((m = CATEGORY_HEADING.matcher(line)).matches()) {
            categoryTitle = (m.group(1) != null ? m.group(1) : m.group(2)).strip();
            category = Category.ofTitle(categoryTitle).orElse(null);
            if (category == null) {
                unparsed(number, "unknown category", line);
            }
        } else if (line.startsWith("- ")) {
            entryLine = number;
            entryText = new StringBuilder(line.substring(2));
        } else if (line.equals(NO_CHANGES) && section != null) {
            categoryTitle = null;
            category = null;
        } else if ((m = RELEASE_DATE_ROW.matcher(line)).matches()) {
            releaseDate = localDate(m.group(1).strip(), number, line, RELEASE_DATE);
            releaseDateLine = number;
        } else if (!GIT_COMMIT_ROW.matcher(line).matches()
                && !line.equals("<table class=\"release-info\">")
                && !line.equals("</table>")) {
            unparsed(number, "not understood", line);
        }
    }

    private void finishEntry() {
        if (entryText == null) {
            return;
        }
        String text = entryText.toString();
        entryText = null;
        if (section == null) {
            unparsed(entryLine, "entry outside any section", "- " + text);
        } else if (category == null) {
            unparsed(entryLine, categoryTitle == null ? "entry without a category heading" : "entry under unknown category",
                    "- " + text);
        } else {
            drafts.add(new Draft(section, apiKind, category, text, entryLine));
        }
    }

    private Entry entry(Draft draft) {
        EntryText parts = EntryText.of(draft.text());
        parts.problems().forEach(problem -> unparsed(draft.line(), problem, "- " + draft.text()));
        return new Entry(draft.api(), draft.apiKind(), draft.category(), draft.text(), parts.summary(), parts.mscs(),
                parts.pullRequests(), parts.endpoints(), parts.paths(), parts.names(), version, draft.line());
    }

    private LocalDate date(List<String> lines) {
        if (frontMatterDate != null && releaseDate != null && !frontMatterDate.equals(releaseDate)) {
            unparsed(releaseDateLine, "release date differs from the front matter date " + frontMatterDate,
                    lines.get(releaseDateLine - 1).strip());
        }
        if (frontMatterDate != null) {
            return frontMatterDate;
        }
        if (releaseDate != null) {
            return releaseDate;
        }
        throw new SpecException(file, 0, "no release date: expected 'date: 2023-05-25' in the front matter "
                + "or a row '<tr><th>Release date</th><td>May 25, 2023</td>'");
    }

    private LocalDate localDate(String text, int number, String line, DateTimeFormatter format) {
        try {
            return LocalDate.parse(text, format);
        } catch (DateTimeParseException e) {
            unparsed(number, "not a date", line);
            return null;
        }
    }

    private void unparsed(int number, String reason, String text) {
        unparsed.add(new Note(number, "line " + number + ": " + reason + ": " + text));
    }
}
