package dev.mxspec.generator.changelog;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the markdown of one entry says: its plain-text summary and the proposals, pull requests and code spans it
 * cites. Understands the inline markdown the release tooling writes: code spans, links (whose labels may hold code
 * spans), emphasis and backslash escapes.
 *
 * @param problems what could not be read, e.g. a backtick that opens no code span
 */
record EntryText(
        String summary,
        List<Integer> mscs,
        List<Integer> pullRequests,
        List<String> endpoints,
        List<String> paths,
        List<String> names,
        List<String> problems) {

    /** {@code " ([#1440](...), [#1525](...))"} at the end of an entry, with or without a full stop before it. */
    private static final Pattern TRAILING_PULL_REQUESTS =
            Pattern.compile("\\s*\\(\\[#\\d+]\\([^()\\s]*\\)(?:,\\s*\\[#\\d+]\\([^()\\s]*\\))*\\)\\s*$");
    private static final Pattern PULL_REQUEST_LABEL = Pattern.compile("#(\\d+)");
    private static final Pattern MSC = Pattern.compile("\\bMSC(\\d+)\\b");
    private static final Pattern ENDPOINT = Pattern.compile("(?:GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS) \\S*/\\S*");
    private static final Pattern PATH = Pattern.compile("/\\S+|_matrix/\\S*");
    /** {@code *x*}, {@code **x**}, {@code _x_}; not intraword underscores such as {@code device_id}. */
    private static final Pattern EMPHASIS =
            Pattern.compile("(?<![\\\\\\w*_])([*_]{1,2})(?=[^\\s*_])(.+?)(?<=[^\\s\\\\*_])\\1(?![\\w*_])");
    private static final Pattern ESCAPE = Pattern.compile("\\\\(\\p{Punct})");

    static EntryText of(String markdown) {
        Scan all = new Scan();
        all.render(markdown);
        String summary = new Scan().render(TRAILING_PULL_REQUESTS.matcher(markdown).replaceFirst("")).strip();
        return new EntryText(summary, List.copyOf(all.mscs), List.copyOf(all.pullRequests), List.copyOf(all.endpoints),
                List.copyOf(all.paths), List.copyOf(all.names), List.copyOf(all.problems));
    }

    /** One pass over the markdown: renders plain text and collects what it cites. */
    private static final class Scan {

        final Set<Integer> mscs = new LinkedHashSet<>();
        final Set<Integer> pullRequests = new LinkedHashSet<>();
        final Set<String> endpoints = new LinkedHashSet<>();
        final Set<String> paths = new LinkedHashSet<>();
        final Set<String> names = new LinkedHashSet<>();
        final List<String> problems = new ArrayList<>();

        String render(String markdown) {
            StringBuilder out = new StringBuilder();
            StringBuilder plain = new StringBuilder();
            int i = 0;
            while (i < markdown.length()) {
                char c = markdown.charAt(i);
                int linkEnd = c == '[' ? link(markdown, i) : -1;
                if (c == '\\' && i + 1 < markdown.length()) {
                    plain.append(c).append(markdown.charAt(i + 1));
                    i += 2;
                } else if (c == '`') {
                    int run = run(markdown, i);
                    int close = closingRun(markdown, i + run, run);
                    if (close < 0) {
                        problems.add("backtick opens no code span");
                        plain.append(markdown, i, i + run);
                        i += run;
                    } else {
                        out.append(plain(plain));
                        out.append(code(markdown.substring(i + run, close)));
                        i = close + run;
                    }
                } else if (linkEnd > 0) {
                    int labelEnd = closing(markdown, i, '[', ']');
                    out.append(plain(plain));
                    String label = markdown.substring(i + 1, labelEnd);
                    Matcher pr = PULL_REQUEST_LABEL.matcher(label);
                    if (pr.matches()) {
                        pullRequests.add(Integer.valueOf(pr.group(1)));
                    }
                    out.append(render(label));
                    i = linkEnd + 1;
                } else {
                    plain.append(c);
                    i++;
                }
            }
            return out.append(plain(plain)).toString();
        }

        /** Plain text between code spans and links: emphasis and escapes removed, line breaks as spaces. */
        private String plain(StringBuilder raw) {
            String text = EMPHASIS.matcher(raw).replaceAll("$2");
            text = ESCAPE.matcher(text).replaceAll("$1").replace('\n', ' ');
            raw.setLength(0);
            Matcher msc = MSC.matcher(text);
            while (msc.find()) {
                mscs.add(Integer.valueOf(msc.group(1)));
            }
            return text;
        }

        private String code(String raw) {
            String content = raw.replace('\n', ' ');
            if (content.length() > 1 && content.startsWith(" ") && content.endsWith(" ") && !content.isBlank()) {
                content = content.substring(1, content.length() - 1);
            }
            if (ENDPOINT.matcher(content).matches()) {
                endpoints.add(content);
            } else if (PATH.matcher(content).matches()) {
                paths.add(content);
            } else {
                names.add(content);
            }
            return content;
        }
    }

    /** The index of the {@code )} ending a link {@code [label](url)} that starts at {@code start}, or -1. */
    private static int link(String s, int start) {
        int labelEnd = closing(s, start, '[', ']');
        if (labelEnd < 0 || labelEnd + 1 >= s.length() || s.charAt(labelEnd + 1) != '(') {
            return -1;
        }
        return closing(s, labelEnd + 1, '(', ')');
    }

    /** The index of the bracket closing the one at {@code start}, skipping escapes and code spans, or -1. */
    private static int closing(String s, int start, char open, char close) {
        int depth = 0;
        int i = start;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '`') {
                int run = run(s, i);
                int end = closingRun(s, i + run, run);
                i = end < 0 ? i + run : end + run;
                continue;
            }
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return i;
            }
            i++;
        }
        return -1;
    }

    private static int run(String s, int start) {
        int end = start;
        while (end < s.length() && s.charAt(end) == '`') {
            end++;
        }
        return end - start;
    }

    /** The start of the next run of exactly {@code length} backticks at or after {@code from}, or -1. */
    private static int closingRun(String s, int from, int length) {
        int i = from;
        while (i < s.length()) {
            if (s.charAt(i) == '`') {
                int run = run(s, i);
                if (run == length) {
                    return i;
                }
                i += run;
            } else {
                i++;
            }
        }
        return -1;
    }
}
