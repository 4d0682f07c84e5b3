package dev.mxspec.homeserver.storage;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The text of the search index folded again, now that {@link SearchTerms#fold} also spells compatibility forms plainly
 * ({@code ﬁ}, full-width letters) and leaves out the points of Hebrew and the vowel marks of Arabic: entries V26 folded
 * before are written again where the fold changes them, as {@link V26__FoldedSearchText} does.
 */
public final class V27__SearchTextFoldedAgain extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        V26__FoldedSearchText.foldAll(context.getConnection());
    }
}
