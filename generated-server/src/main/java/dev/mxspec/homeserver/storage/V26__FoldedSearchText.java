package dev.mxspec.homeserver.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The text of the search index folded ({@link SearchTerms#fold}: lower case, accents taken off), as entries have been
 * written since: before, SQLite's tokenizer took the accents off Latin letters only and PostgreSQL's {@code english}
 * configuration none, so {@code cafe} found {@code café} on one database and not the other. Each entry whose text
 * folding changes is written again (PostgreSQL's {@code tsvector}, generated from it, follows), a page of entries at a
 * time in the order of their stream positions.
 */
public final class V26__FoldedSearchText extends BaseJavaMigration {

    private static final int PAGE = 1000;

    @Override
    public void migrate(Context context) throws Exception {
        foldAll(context.getConnection());
    }

    /** Writes again each entry of the index whose text {@link SearchTerms#fold} (as it is now) changes. */
    static void foldAll(Connection c) throws Exception {
        boolean sqlite = Jdbc.sqlite(c);
        String table = sqlite ? JdbcSearchStore.FTS : "event_search";
        String position = sqlite ? "rowid" : "stream_pos";
        try (PreparedStatement page = c.prepareStatement("SELECT " + position + ", value FROM " + table + " WHERE " + position + " > ? ORDER BY "
                + position + " LIMIT " + PAGE);
                PreparedStatement write = c.prepareStatement("UPDATE " + table + " SET value = ? WHERE " + position + " = ?")) {
            long after = Long.MIN_VALUE;
            int read = PAGE;
            while (read == PAGE) {
                read = 0;
                int changed = 0;
                page.setLong(1, after);
                try (ResultSet rs = page.executeQuery()) {
                    while (rs.next()) {
                        read++;
                        after = rs.getLong(1);
                        String value = rs.getString(2);
                        // PostgreSQL holds the text's words only (SearchTerms.plain)
                        String folded = sqlite ? SearchTerms.fold(value) : SearchTerms.plain(SearchTerms.fold(value));
                        if (!folded.equals(value)) {
                            write.setString(1, folded);
                            write.setLong(2, after);
                            write.addBatch();
                            changed++;
                        }
                    }
                }
                if (changed > 0) {
                    write.executeBatch();
                }
            }
        }
        if (!sqlite) {
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE event_search");
            }
        }
    }
}
