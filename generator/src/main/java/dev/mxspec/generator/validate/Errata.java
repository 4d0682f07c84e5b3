package dev.mxspec.generator.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Known places where a spec release's own example disagrees with its own schema, each with the
 * reason. Read from {@code mxspec/errata.yaml} on the classpath.
 */
public final class Errata {

    /**
     * One erratum.
     *
     * @param release the release folder name, for example {@code v1.7}
     * @param at {@code file:line} of the example
     * @param problem the mismatch message as the validator reports it
     * @param reason why the example is wrong (or the schema is)
     * @param warning whether this is a reader warning (the diagnostic's message) rather than an example mismatch
     */
    public record Erratum(String release, String at, String problem, String reason, boolean warning) {}

    private static final String RESOURCE = "/mxspec/errata.yaml";

    private final List<Erratum> entries;

    public Errata(List<Erratum> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Errata none() {
        return new Errata(List.of());
    }

    /** The errata shipped with mxspec (read once). */
    public static Errata bundled() {
        return Bundled.ERRATA;
    }

    /** Read on first use. */
    private static final class Bundled {
        static final Errata ERRATA = read();
    }

    private static Errata read() {
        try (InputStream in = Errata.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            List<Erratum> entries = new ArrayList<>();
            if (doc instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> m) {
                        entries.add(new Erratum(str(m.get("release")), str(m.get("at")), str(m.get("problem")), str(m.get("reason")),
                                "warning".equals(str(m.get("kind")))));
                    }
                }
            }
            return new Errata(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Erratum> entries() {
        return entries;
    }

    /** The reason, when this mismatch is a known erratum. */
    public Optional<String> reason(String release, String at, String problem) {
        return entries.stream()
                .filter(e -> !e.warning() && e.release().equals(release) && e.at().equals(at) && e.problem().equals(problem))
                .map(Erratum::reason)
                .findFirst();
    }

    /** The reason, when this reader warning is a known erratum of the spec ({@code kind: warning}). */
    public Optional<String> warningReason(String release, dev.mxspec.generator.model.Diagnostic warning) {
        return entries.stream()
                .filter(e -> e.warning() && e.release().equals(release) && e.at().equals(warning.source().toString())
                        && e.problem().equals(warning.message()))
                .map(Erratum::reason)
                .findFirst();
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString().strip();
    }
}
