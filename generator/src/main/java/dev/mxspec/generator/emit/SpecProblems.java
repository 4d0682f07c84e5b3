package dev.mxspec.generator.emit;

import java.util.List;

/**
 * Generation refused: a release has error diagnostics (or warnings, when they are made fatal). Each
 * problem is one line, {@code file:line: severity: message}, with the file's path as given.
 */
public final class SpecProblems extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> errors;
    private final transient List<String> warnings;

    public SpecProblems(String message, List<String> errors, List<String> warnings) {
        super(message);
        this.errors = List.copyOf(errors);
        this.warnings = List.copyOf(warnings);
    }

    /** The error diagnostics, one line each. */
    public List<String> errors() {
        return errors;
    }

    /** The warnings, one line each. */
    public List<String> warnings() {
        return warnings;
    }
}
