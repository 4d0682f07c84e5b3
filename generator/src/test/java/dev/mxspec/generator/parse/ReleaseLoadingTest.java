package dev.mxspec.generator.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.SpecRelease;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class ReleaseLoadingTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @ParameterizedTest
    @ValueSource(strings = {"v1.3", "v1.4", "v1.5", "v1.6", "v1.7"})
    void everyReleaseLoadsWithoutErrors(String version) {
        SpecRelease release = SpecSources.model(version);

        assertThat(release.version()).isEqualTo(version);
        assertThat(release.apis()).extracting(a -> a.kind()).containsExactly(ApiKind.values());
        assertThat(release.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.3", "v1.4", "v1.5", "v1.6", "v1.7"})
    void operationCountsMatchAnIndependentWalkOfTheYaml(String version) throws IOException {
        SpecRelease release = SpecSources.model(version);
        Map<String, Integer> modelled = new LinkedHashMap<>();
        release.apis().forEach(a -> modelled.put(a.kind().folder(), a.operations().size()));

        assertThat(modelled).isEqualTo(countByWalkingYaml(SpecSources.release(version)));
    }

    @org.junit.jupiter.api.Test
    void operationCountsAreThePublishedOnes() {
        assertThat(counts(SpecSources.model("v1.7"))).containsExactly(150, 35, 9, 23, 1);
        assertThat(counts(SpecSources.model("v1.4"))).containsExactly(145, 34, 8, 23, 1);
    }

    @org.junit.jupiter.api.Test
    void readingTwiceGivesAnEqualModel() {
        SpecRelease first = SpecReader.read(SpecSources.release("v1.7"));
        SpecRelease second = SpecReader.read(SpecSources.release("v1.7"));

        assertThat(second).isEqualTo(first);
    }

    private static List<Integer> counts(SpecRelease release) {
        return release.apis().stream().map(a -> a.operations().size()).toList();
    }

    /** Counts (path, method) pairs with a plain YAML load, sharing no code with the reader. */
    private static Map<String, Integer> countByWalkingYaml(Path data) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ApiKind kind : ApiKind.values()) {
            int count = 0;
            try (Stream<Path> files = Files.list(data.resolve("api").resolve(kind.folder()))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    try (Reader reader = Files.newBufferedReader(file)) {
                        Map<?, ?> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
                        if (doc.get("paths") instanceof Map<?, ?> paths) {
                            for (Object methods : paths.values()) {
                                for (Object method : ((Map<?, ?>) methods).keySet()) {
                                    if (METHODS.contains(method.toString())) {
                                        count++;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            counts.put(kind.folder(), count);
        }
        return counts;
    }
}
