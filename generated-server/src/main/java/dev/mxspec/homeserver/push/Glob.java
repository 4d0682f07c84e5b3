package dev.mxspec.homeserver.push;

import java.util.regex.Pattern;

/**
 * Glob-style matching (appendices): {@code *} is any run of characters, {@code ?} exactly one; the
 * match is case-insensitive. Compiled once per rule, not per event.
 */
public final class Glob {

    private final String glob;
    private final Pattern whole;
    private final Pattern words;
    private final String literal;

    private Glob(String glob) {
        this.glob = glob;
        StringBuilder regex = new StringBuilder();
        boolean plain = true;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    regex.append(".*?");
                    plain = false;
                }
                case '?' -> {
                    regex.append('.');
                    plain = false;
                }
                default -> {
                    int end = i;
                    while (end < glob.length() && glob.charAt(end) != '*' && glob.charAt(end) != '?') {
                        end++;
                    }
                    regex.append(Pattern.quote(glob.substring(i, end)));
                    i = end - 1;
                }
            }
        }
        int flags = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL;
        this.whole = Pattern.compile(regex.toString(), flags);
        // "any substring which starts and ends at a word boundary": not preceded or followed by [A-Za-z0-9_]
        this.words = Pattern.compile("(?<![A-Za-z0-9_])(?:" + regex + ")(?![A-Za-z0-9_])", flags);
        this.literal = plain ? glob : null;
    }

    public static Glob of(String glob) {
        return new Glob(glob);
    }

    /** Globs are equal when written alike (conditions compiled for many users are then shared). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && g.glob.equals(glob);
    }

    @Override
    public int hashCode() {
        return glob.hashCode();
    }

    @Override
    public String toString() {
        return glob;
    }

    /** Whether the whole value matches. */
    public boolean matches(String value) {
        return literal != null ? literal.equalsIgnoreCase(value) : whole.matcher(value).matches();
    }

    /** Whether a substring of the value starting and ending at word boundaries matches (the rule for {@code content.body}). */
    public boolean matchesWords(String value) {
        return literal != null ? Words.contains(value, literal) : words.matcher(value).find();
    }
}
