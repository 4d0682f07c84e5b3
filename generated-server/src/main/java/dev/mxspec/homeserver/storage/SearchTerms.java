package dev.mxspec.homeserver.storage;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A search term as a user types it, read the way PostgreSQL's {@code websearch_to_tsquery} reads it: words are all
 * required, {@code "quoted words"} form a phrase, {@code or} between two parts makes either enough (and binds looser
 * than the implied "and"), and a leading {@code -} excludes a word or phrase. The parsed term is written out once for
 * SQLite's FTS5 ({@link #fts5()}) and once for {@code websearch_to_tsquery} ({@link #websearch()}) so that both
 * databases find the same events: words are cut as FTS5's {@code unicode61} tokenizer cuts them ({@link #words}),
 * a part made only of English stop words is left out on both (PostgreSQL's {@code english} configuration drops
 * them), and a part that only excludes is dropped (FTS5 cannot say "everything but"). Words are {@linkplain #fold folded}
 * (lower case, accents taken off) here, and the text of the index is folded the same way before either database sees
 * it, so that {@code cafe}, {@code Café} and {@code CAFÉ} are one word whatever each database's tokenizer would make of
 * accents and case.
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
            String text;
            if (c == '"') {
                int end = term.indexOf('"', i + 1);
                text = term.substring(i + 1, end < 0 ? n : end);
                i = end < 0 ? n : end + 1;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(term.charAt(end)) && term.charAt(end) != '"') {
                    end++;
                }
                text = term.substring(i, end);
                i = end;
                if (!excluded && text.equalsIgnoreCase("or")) {
                    if (!group.isEmpty()) { // "or" at the start, or twice, joins nothing
                        groups.add(group);
                        group = new ArrayList<>();
                    }
                    continue;
                }
            }
            // a word with punctuation inside ("e-mail", "file.png") is a phrase of its parts, as the tokenizers read it
            List<String> words = words(fold(text));
            if (!words.stream().allMatch(STOP_WORDS::contains)) {
                group.add(new Phrase(words, excluded));
            }
        }
        groups.add(group);
        return new SearchTerms(groups.stream().filter(g -> g.stream().anyMatch(p -> !p.excluded())).map(List::copyOf).toList());
    }

    /**
     * The words of a text as SQLite's {@code unicode61} tokenizer cuts it: runs of letters, numbers and marks; everything
     * else separates. PostgreSQL indexes the text these words make ({@link #plain}), so that both databases see the same
     * words (its own parser keeps {@code file.png} or {@code a@b.org} whole).
     */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (wordPart(cp)) {
                word.appendCodePoint(cp);
            } else if (!word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
            }
        });
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words.stream().filter(w -> w.codePoints().anyMatch(Character::isLetterOrDigit)).toList();
    }

    /** The words of a text with single spaces between them. */
    static String plain(String text) {
        return String.join(" ", words(text));
    }

    /** Letters that carry a stroke or are ligatures rather than accents (no canonical decomposition), and what they fold to. */
    private static final Map<Integer, String> UNDECOMPOSED = Map.of((int) 'ø', "o", (int) 'ł', "l", (int) 'đ', "d", (int) 'ħ', "h",
            (int) 'ŧ', "t", (int) 'ı', "i", (int) 'æ', "ae", (int) 'œ', "oe", (int) 'ß', "ss");

    /**
     * A text as the index holds it and a term looks for it: compatibility forms spelled plainly where they stay one word
     * ({@code ﬁ} is {@code fi}, full-width {@code Ａ} is {@code a}, {@code ①} is {@code 1}; not {@code ½}, whose
     * {@code 1⁄2} would be two), lower case (locale-independent, a final sigma as any other), with the combining
     * diacritical marks of its canonical decomposition left out ({@code Café} is {@code cafe}, {@code naïve} {@code naive},
     * {@code καφές} {@code καφεσ}), and so the points and cantillation of Hebrew and the vowel marks and tatweel of Arabic
     * ({@code שָׁלוֹם} is {@code שלום}, {@code مَرْحَبًا} {@code مرحبا}), the stroke letters and ligatures of
     * {@link #UNDECOMPOSED} spelled plainly, and composed again (Hangul stays syllables). Marks that are not diacritics (the
     * vowel signs of Indic scripts) stay. Words stay where they were: a mark is part of the word of the letter it follows.
     */
    static String fold(String text) {
        StringBuilder compatible = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> compatible.append(compatibility(cp)));
        String decomposed = Normalizer.normalize(compatible.toString().toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        decomposed.codePoints().forEach(cp -> {
            if (!diacritic(cp) && cp != TATWEEL) {
                String plain = UNDECOMPOSED.get(cp);
                if (plain != null) {
                    out.append(plain);
                } else {
                    out.appendCodePoint(cp == 'ς' ? 'σ' : cp);
                }
            }
        });
        return Normalizer.normalize(out, Normalizer.Form.NFC);
    }

    private static final int TATWEEL = 0x0640;

    /** A character's compatibility decomposition when it is as much one word as the character, else the character. */
    private static String compatibility(int cp) {
        String one = Character.toString(cp);
        if (cp < 0xA0 || !wordPart(cp)) { // ASCII and Latin-1's controls have no compatibility forms
            return one;
        }
        String plain = Normalizer.normalize(one, Normalizer.Form.NFKD);
        return !plain.equals(one) && plain.codePoints().allMatch(SearchTerms::wordPart) ? plain : one;
    }

    private static boolean diacritic(int cp) {
        Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
        return block == Character.UnicodeBlock.COMBINING_DIACRITICAL_MARKS || block == Character.UnicodeBlock.COMBINING_DIACRITICAL_MARKS_EXTENDED
                || block == Character.UnicodeBlock.COMBINING_DIACRITICAL_MARKS_SUPPLEMENT || block == Character.UnicodeBlock.COMBINING_HALF_MARKS
                || block == Character.UnicodeBlock.COMBINING_MARKS_FOR_SYMBOLS
                || (block == Character.UnicodeBlock.HEBREW || block == Character.UnicodeBlock.ARABIC)
                        && Character.getType(cp) == Character.NON_SPACING_MARK;
    }

    private static boolean wordPart(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER, Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                    Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK, Character.PRIVATE_USE -> true;
            default -> false;
        };
    }

    /** The term as an FTS5 {@code MATCH} expression: every phrase quoted, so nothing a user types is FTS5 syntax. */
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

    /** A phrase in double quotes (its words hold no quote: {@link #words} keeps letters, numbers and marks only). */
    private static String quoted(Phrase p) {
        return "\"" + String.join(" ", p.words()) + "\"";
    }
}
