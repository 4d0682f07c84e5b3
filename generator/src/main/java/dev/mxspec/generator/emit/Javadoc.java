package dev.mxspec.generator.emit;

import com.palantir.javapoet.CodeBlock;
import dev.mxspec.generator.model.VersionInfo;

/** Javadoc text from spec descriptions (Markdown kept as written, made safe for Javadoc). */
final class Javadoc {

    private Javadoc() {}

    static String text(String description) {
        return description.strip()
                .replace("*/", "*&#47;")
                .replace("@", "{@literal @}")
                .replace("\\u", "\\\\u");
    }

    /** A description followed by {@code @since} and version notes. */
    static CodeBlock of(String description, VersionInfo versions) {
        CodeBlock.Builder doc = CodeBlock.builder();
        if (!description.isBlank()) {
            doc.add("$L\n", text(description));
        }
        versions.changedIn().forEach((version, what) -> doc.add("\n<p>Changed in Matrix $L: $L\n", version, text(what)));
        if (versions.deprecated()) {
            doc.add("\n@deprecated deprecated in the Matrix spec\n");
        }
        versions.addedIn().ifPresent(v -> doc.add("\n@since Matrix $L\n", v));
        return doc.build();
    }
}
