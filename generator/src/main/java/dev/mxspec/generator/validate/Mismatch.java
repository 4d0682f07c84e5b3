package dev.mxspec.generator.validate;

import dev.mxspec.generator.model.SourceRef;
import java.util.Optional;

/**
 * An example shipped with the spec that disagrees with its own schema.
 *
 * @param source where the example is written
 * @param subject what the example is of, for example {@code response 200 of GET /_matrix/client/v3/sync}
 * @param message the problems found
 * @param erratum the reason, when it is a known erratum of the spec
 */
public record Mismatch(SourceRef source, String subject, String message, Optional<String> erratum) {

    public boolean known() {
        return erratum.isPresent();
    }

    @Override
    public String toString() {
        return source + ": " + (known() ? "known erratum" : "example mismatch") + ": " + subject + ": " + message;
    }
}
