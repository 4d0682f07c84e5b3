package dev.mxspec.generator.diff;

import dev.mxspec.generator.changelog.Entry;
import java.util.List;

/**
 * A structural change with the changelog entries that explain it, best first.
 *
 * @param change the change
 * @param entries the explaining entries; empty when no entry explains it
 */
public record LinkedChange(Change change, List<Entry> entries) {

    public LinkedChange {
        entries = List.copyOf(entries);
    }

    public boolean explained() {
        return !entries.isEmpty();
    }
}
