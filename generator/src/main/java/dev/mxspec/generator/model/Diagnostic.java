package dev.mxspec.generator.model;

/**
 * Something the reader or validator noticed: never silently skipped, always with file and line.
 *
 * @param severity how serious it is
 * @param source where in the spec it was seen
 * @param message what was seen and what was expected
 */
public record Diagnostic(Severity severity, SourceRef source, String message) implements Comparable<Diagnostic> {

    /** How serious a diagnostic is. */
    public enum Severity {
        /** The release could not be modelled faithfully at this place. */
        ERROR,
        /** The model is complete, but the spec is unusual or self-contradictory here. */
        WARNING
    }

    public static Diagnostic error(SourceRef source, String message) {
        return new Diagnostic(Severity.ERROR, source, message);
    }

    public static Diagnostic warning(SourceRef source, String message) {
        return new Diagnostic(Severity.WARNING, source, message);
    }

    @Override
    public int compareTo(Diagnostic other) {
        int bySource = source.compareTo(other.source);
        return bySource != 0 ? bySource : message.compareTo(other.message);
    }

    @Override
    public String toString() {
        return source + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
    }
}
