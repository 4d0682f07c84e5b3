package dev.mxspec.homeserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Search terms read as {@code websearch_to_tsquery} reads them, written for FTS5 and for PostgreSQL alike. */
class SearchTermsTest {

    private static void reads(String term, String fts5, String websearch) {
        SearchTerms parsed = SearchTerms.parse(term);
        assertThat(parsed.fts5()).as(term).isEqualTo(fts5);
        assertThat(parsed.websearch()).as(term).isEqualTo(websearch);
    }

    @Test
    void wordsPhrasesAlternativesAndExclusions() {
        reads("Martians MEN", "((\"martians\" AND \"men\"))", "\"martians\" \"men\"");
        reads("\"war of the worlds\" -film", "((\"war of the worlds\") NOT \"film\")", "\"war of the worlds\" -\"film\"");
        reads("tea or coffee cake", "((\"tea\")) OR ((\"coffee\" AND \"cake\"))", "\"tea\" or \"coffee\" \"cake\"");
        reads("-\"bad news\" good", "((\"good\") NOT \"bad news\")", "-\"bad news\" \"good\"");
        reads("or tea or or coffee or", "((\"tea\")) OR ((\"coffee\"))", "\"tea\" or \"coffee\"");
        reads("unclosed \"quote here", "((\"unclosed\" AND \"quote here\"))", "\"unclosed\" \"quote here\"");
    }

    @Test
    void wordsAreCutAsTheTokenizerCutsThemAndStopWordsAndPunctuationAloneAreLeftOut() {
        reads("file.png e-mail", "((\"file png\" AND \"e mail\"))", "\"file png\" \"e mail\"");
        reads("the martians are AND", "((\"martians\"))", "\"martians\"");
        reads("NEAR(a b) col:x *^ OR", "((\"near a\" AND \"b\" AND \"col x\"))", "\"near a\" \"b\" \"col x\"");
        reads("\"don't\"", "", "");
        reads("café 東京 🙂", "((\"cafe\" AND \"東京\"))", "\"cafe\" \"東京\"");
        assertThat(SearchTerms.words("a@b.org, Ünïcode—dash")).containsExactly("a", "b", "org", "Ünïcode", "dash");
    }

    @Test
    void textAndTermsAreFoldedToLowerCaseWithoutAccentsOnWordsThatStayWhereTheyWere() {
        assertThat(SearchTerms.fold("Café CAFÉ cafe\u0301 Naïve ÆSIR Søren Łódź Straße")).isEqualTo("cafe cafe cafe naive aesir soren lodz strasse");
        assertThat(SearchTerms.fold("Καφές ΚΑΦΈΣ καφες")).as("tonos and final sigma").isEqualTo("καφεσ καφεσ καφεσ");
        assertThat(SearchTerms.fold("Йогурт ёлка")).isEqualTo("иогурт елка");
        assertThat(SearchTerms.fold("हिन्दी 한국어 東京")).as("vowel signs and viramas are no accents; Hangul stays syllables")
                .isEqualTo("हिन्दी 한국어 東京");
        assertThat(SearchTerms.fold("ﬁle ＡＢＣ① Ⅻ")).as("compatibility forms that stay one word").isEqualTo("file abc1 xii");
        assertThat(SearchTerms.fold("½ ﷺ")).as("compatibility forms that would make more words stay").isEqualTo("½ ﷺ");
        assertThat(SearchTerms.fold("שָׁלוֹם בְּרֵאשִׁ֖ית")).as("Hebrew points and cantillation").isEqualTo("שלום בראשית");
        assertThat(SearchTerms.fold("مَرْحَبًا عـــربي")).as("Arabic vowel marks and tatweel").isEqualTo("مرحبا عربي");
        String text = "İstanbul, ﬁle.png Ǆemal e\u0301-mail ½ ﷺ ＡＢＣ שָׁלוֹם مَرْحَبًا";
        assertThat(SearchTerms.words(SearchTerms.fold(text))).hasSameSizeAs(SearchTerms.words(text))
                .isEqualTo(SearchTerms.words(text).stream().map(SearchTerms::fold).toList());
        reads("\"CAFÉ au lait\" -Naïve", "((\"cafe au lait\") NOT \"naive\")", "\"cafe au lait\" -\"naive\"");
    }

    @Test
    void aTermThatRequiresNothingFindsNothing() {
        for (String nothing : List.of("", "   ", "the and of", "-alone", "-one -two", "\"\"", "- or -", "🙂 ?!")) {
            assertThat(SearchTerms.parse(nothing).empty()).as(nothing).isTrue();
        }
        assertThat(SearchTerms.parse("-nope or maybe").groups()).hasSize(1);
    }
}
