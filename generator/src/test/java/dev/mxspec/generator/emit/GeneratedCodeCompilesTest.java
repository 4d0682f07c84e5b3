package dev.mxspec.generator.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class GeneratedCodeCompilesTest {

    @TempDir
    Path dir;

    /**
     * Every output for every API of the releases of {@link CompiledRelease#RELEASES} (all of them with
     * {@code -P all-releases}), compiled together with {@code -Xlint:all -Werror}.
     */
    @org.junit.jupiter.api.Test
    void everythingGeneratedForEachReleaseCompilesWithoutWarnings() {
        assertThat(CompiledRelease.compileErrors()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void mappedTypesAreNotGeneratedAndTheirUsesCompile() {
        JavaGenerator generator = new JavaGenerator(SpecSources.model("v1.7"), new GenerateOptions("org.example", "v1_7",
                java.util.EnumSet.allOf(GenerateOptions.Output.class), java.util.EnumSet.of(dev.mxspec.generator.model.ApiKind.CLIENT_SERVER),
                java.util.Map.of("ClientEvent", "com.fasterxml.jackson.databind.JsonNode",
                        "RoomMessageTextEventContent", "com.fasterxml.jackson.databind.node.ObjectNode")));
        java.util.List<Path> files = generator.writeTo(dir.resolve("src"));

        assertThat(files).noneMatch(f -> f.getFileName().toString().equals("ClientEvent.java"))
                .noneMatch(f -> f.getFileName().toString().equals("RoomMessageTextEventContent.java"));
        assertThat(Compiler.compile(dir.resolve("src"), dir.resolve("classes"))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aMappingOfAnUnknownTypeIsAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new JavaGenerator(SpecSources.model("v1.7"),
                        new GenerateOptions("org.example", "v1_7", java.util.EnumSet.of(GenerateOptions.Output.MODELS),
                                java.util.EnumSet.allOf(dev.mxspec.generator.model.ApiKind.class), java.util.Map.of("NoSuchType", "a.B"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type mapping for 'NoSuchType': release v1.7 has no such type (see describe, or the generated class names)");
    }
}
