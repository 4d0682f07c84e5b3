package dev.mxspec.generator;

import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.parse.SpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Matrix spec sources the tests read: {@code -Dmxspec.spec.dir} (set by the build to
 * {@code ../shared/matrix-spec}) or the {@code MXSPEC_SPEC_DIR} environment variable.
 */
public final class SpecSources {

    public static final List<String> RELEASES = List.of("v1.3", "v1.4", "v1.5", "v1.6", "v1.7");

    /**
     * Every release folder of the spec sources ({@code v1.1} ... {@code v1.16}, and any later one
     * published in the same layout), in release order.
     */
    public static List<String> allReleases() {
        try (java.util.stream.Stream<Path> s = Files.list(root())) {
            return s.filter(p -> Files.isDirectory(p.resolve("data/api")))
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("v[0-9]+\\.[0-9]+"))
                    .sorted(java.util.Comparator.comparingInt((String n) -> Integer.parseInt(n.substring(1, n.indexOf('.'))))
                            .thenComparingInt(n -> Integer.parseInt(n.substring(n.indexOf('.') + 1))))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final Map<String, SpecRelease> CACHE = new ConcurrentHashMap<>();

    private SpecSources() {}

    public static Path root() {
        String configured = System.getProperty("mxspec.spec.dir", System.getenv("MXSPEC_SPEC_DIR"));
        Path root = Path.of(configured != null ? configured : "../../shared/matrix-spec").toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("Matrix spec sources not found at " + root
                    + "; set -Dmxspec.spec.dir or MXSPEC_SPEC_DIR to the matrix-spec folder (holding v1.3 ... v1.7)");
        }
        return root;
    }

    public static Path release(String version) {
        return root().resolve(version).resolve("data");
    }

    /** The model of a release, read once per test run. */
    public static SpecRelease model(String version) {
        return CACHE.computeIfAbsent(version, v -> SpecReader.read(release(v)));
    }
}
