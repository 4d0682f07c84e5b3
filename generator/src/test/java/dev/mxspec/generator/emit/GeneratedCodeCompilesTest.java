package dev.mxspec.generator.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratedCodeCompilesTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"v1.3", "v1.4", "v1.5", "v1.6", "v1.7"})
    void everythingGeneratedForAReleaseCompilesWithoutWarnings(String version) {
        JavaGenerator generator = new JavaGenerator(SpecSources.model(version),
                GenerateOptions.all("dev.mxspec.spec", JavaLayout.releasePackage(version)));
        generator.writeTo(dir.resolve("src"));

        assertThat(Compiler.compile(dir.resolve("src"), dir.resolve("classes"))).isEmpty();
    }
}
