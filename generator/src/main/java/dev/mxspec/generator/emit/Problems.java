package dev.mxspec.generator.emit;

import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.validate.ExampleCheck;
import dev.mxspec.generator.validate.Mismatch;
import dev.mxspec.generator.validate.ReleaseValidator;
import java.nio.file.Path;
import java.util.List;

/** A release's problems as lines {@code file:line: severity: message}, with the file under the release's data folder. */
final class Problems {

    private Problems() {}

    /**
     * Adds the release's error diagnostics to {@code errors}; its warnings and the examples that
     * disagree with their schema, except those listed with their reason as known errata of the spec
     * ({@code mxspec/errata.yaml}), to {@code warnings}.
     */
    static void collect(SpecRelease release, Path dataFolder, List<String> errors, List<String> warnings) {
        dev.mxspec.generator.validate.Errata errata = dev.mxspec.generator.validate.Errata.bundled();
        for (Diagnostic d : release.diagnostics()) {
            if (d.severity() == Diagnostic.Severity.WARNING && errata.warningReason(release.version(), d).isPresent()) {
                continue;
            }
            String line = dataFolder.resolve(d.source().file()) + (d.source().line() > 0 ? ":" + d.source().line() : "")
                    + ": " + d.severity().name().toLowerCase(java.util.Locale.ROOT) + ": " + d.message();
            (d.severity() == Diagnostic.Severity.ERROR ? errors : warnings).add(line);
        }
        ExampleCheck check = ReleaseValidator.validate(release);
        for (Mismatch m : check.mismatches()) {
            if (!m.known()) {
                warnings.add(dataFolder.resolve(m.source().file()) + (m.source().line() > 0 ? ":" + m.source().line() : "")
                        + ": warning: example disagrees with its schema: " + m.subject() + ": " + m.message());
            }
        }
    }
}
