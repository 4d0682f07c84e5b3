package dev.mxspec.generator.model;

/**
 * Where something was read from: a file path relative to the release folder, and a 1-based line.
 *
 * @param file path relative to the release's {@code data} folder, with forward slashes
 * @param line 1-based line number, or 0 when unknown
 */
public record SourceRef(String file, int line) implements Comparable<SourceRef> {

    @Override
    public int compareTo(SourceRef other) {
        int byFile = file.compareTo(other.file);
        return byFile != 0 ? byFile : Integer.compare(line, other.line);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
