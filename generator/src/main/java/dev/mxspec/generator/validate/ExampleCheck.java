package dev.mxspec.generator.validate;

import java.util.List;

/**
 * The result of checking every example of a release against its schema.
 *
 * @param checked how many examples were checked
 * @param mismatches those that disagree, known errata included
 */
public record ExampleCheck(int checked, List<Mismatch> mismatches) {

    public ExampleCheck {
        mismatches = List.copyOf(mismatches);
    }

    public long knownErrata() {
        return mismatches.stream().filter(Mismatch::known).count();
    }

    /** Mismatches that are not known errata: a new disagreement between the spec and its examples. */
    public List<Mismatch> unexpected() {
        return mismatches.stream().filter(m -> !m.known()).toList();
    }
}
