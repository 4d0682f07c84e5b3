package dev.mxspec.homeserver.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A search term as a user types it, read the way PostgreSQL's {@code websearch_to_tsquery} reads it: words are all
 * required, {@code "quoted words"} form a phrase, {@code or} between two parts makes either enough (and binds looser
 * than the implied "and"), and a leading {@code -} excludes a word or phrase. The parsed term is written out once for
 * SQLite's FTS5 ({@link #fts5()}) and once for {@code websearch_to_tsquery} ({@link #websearch()}) so that both
 * databases find the same events: single words that are English stop words are left out on both (PostgreSQL's
 * {@code english} configuration drops them), words without a letter or digit likewise, and a part that only excludes
 * is dropped (FTS5 cannot say "everything but").
 *
 * @param groups the alternatives (joined by {@code or}), each a list of phrases that must all match
 */
record SearchTerms(List<List<Phrase>> groups) {

    /** Words that must appear one after the other (one word is a phrase of one), or must not appear when {@code excluded}. */
    record Phrase(List<String> words, boolean excluded) {}

    /** The English stop words of PostgreSQL's {@code english} text search configuration (its {@code english.stop}). */
    static final Set<String> STOP_WORDS = Set.of(("i me my myself we our ours ourselves you your yours yourself yourselves he him his "
            + "himself she her hers herself it its itself they them their theirs themselves what which who whom this that these those am "
            + "is are was were be been being have has had having do does did doing a an the and but if or because as until while of at by "
            + "for with about against between into through during before after above below to from up down in out on off over under again "
            + "further then once here there when where why how all any both each few more most other some such no nor not only own same "
            + "so than too very s t can will just don should now").split(" "));

    /** Whether the term finds nothing whatever the events: no part of it requires a word. */
    boolean empty() {
        return groups.isEmpty();
    }

    static SearchTerms parse(String term) {
        List<List<Phrase>> groups = new ArrayList<>();
        List<Phrase> group = new ArrayList<>();
        int i = 0;
        int n = term.length();
        while (i < n) {
            char c = term.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            boolean excluded = false;
            if (c == '-' && i + 1 < n && !Character.isWhitespace(term.charAt(i + 1))) {
                excluded = true;
                i++;
                c = term.charAt(i);
            }
            if (c == '"') {
                int end = term.indexOf('"', i + 1);
                String inside = term.substring(i + 1, end < 0 ? n : end);
                i = end < 0 ? n : end + 1;
                List<String> words = words(inside);
                if (words.size() == 1 && STOP_WORDS.contains(words.getFirst().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (!words.isEmpty()) {
                    group.add(new Phrase(words, excluded));
                }
                continue;
            }
            int end = i;
            while (end < n && !Character.isWhitespace(term.charAt(end)) && term.charAt(end) != '"') {
                end++;
            }
            String word = term.substring(i, end);
            i = end;
            if (!excluded && word.equalsIgnoreCase("or")) {
                if (!group.isEmpty()) { // "or" at the start, or twice, joins nothing
                    groups.add(group);
                    group = new ArrayList<>();
                }
                continue;
            }
            if (meaningful(word) && !STOP_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
                group.add(new Phrase(List.of(word), excluded));
            }
        }
        groups.add(group);
        return new SearchTerms(groups.stream().filter(g -> g.stream().anyMatch(p -> !p.excluded())).map(List::copyOf).toList());
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String w : text.trim().split("\\s+")) {
            if (meaningful(w)) {
                words.add(w);
            }
        }
        return words;
    }

    /** Whether a word has something a tokenizer keeps: a letter or a digit. */
    private static boolean meaningful(String word) {
        return word.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /** The term as an FTS5 {@code MATCH} expression: every word quoted, so nothing a user types is FTS5 syntax. */
    String fts5() {
        return groups.stream().map(g -> {
            String required = g.stream().filter(p -> !p.excluded()).map(SearchTerms::quoted).collect(Collectors.joining(" AND ", "(", ")"));
            String excluded = g.stream().filter(Phrase::excluded).map(p -> " NOT " + quoted(p)).collect(Collectors.joining());
            return "(" + required + excluded + ")";
        }).collect(Collectors.joining(" OR "));
    }

    /** The term for {@code websearch_to_tsquery}: every part quoted, alternatives joined by {@code or}. */
    String websearch() {
        return groups.stream().map(g -> g.stream().map(p -> (p.excluded() ? "-" : "") + quoted(p)).collect(Collectors.joining(" ")))
                .collect(Collectors.joining(" or "));
    }

    /** A phrase in double quotes, with the quotes it holds (FTS5 doubles them; none are left by the parse) doubled. */
    private static String quoted(Phrase p) {
        return "\"" + String.join(" ", p.words()).replace("\"", "\"\"") + "\"";
    }
}
