package dev.mxspec.generator.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.palantir.javapoet.JavaFile;
import dev.mxspec.generator.SpecSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole-file comparisons of representative generated files with reviewed copies under
 * {@code src/test/resources/golden}. Run with {@code -Dgolden.update=true} to rewrite the copies,
 * then review the diff.
 */
class GoldenFilesTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden/v1.7");

    private static final Map<String, JavaFile> FILES = new JavaGenerator(SpecSources.model("v1.7"),
            GenerateOptions.all("dev.mxspec.spec", "v1_7")).files().stream()
            .collect(Collectors.toMap(f -> f.packageName().substring("dev.mxspec.spec.v1_7.".length()).replace('.', '/')
                    + "/" + f.typeSpec().name() + ".java", Function.identity()));

    @ParameterizedTest
    @ValueSource(strings = {
        // a simple endpoint: metadata, request, response, handler
        "clientserver/endpoints/GetTokenOwner.java",
        "clientserver/GetTokenOwnerResponse.java",
        "clientserver/server/WhoamiHandler.java",
        // sync
        "clientserver/endpoints/Sync.java",
        "clientserver/SyncResponse.java",
        // an event with msgtype variants, and the dispatch
        "events/RoomMessageTextEventContent.java",
        "events/RoomMessageEventContent.java",
        "events/Events.java",
        // properties together with additionalProperties
        "clientserver/Capabilities.java",
        // an open enum
        "events/RoomMemberEventContentMembership.java"
    })
    void generatedFileMatchesItsGoldenCopy(String file) throws IOException {
        JavaFile generated = FILES.get(file);
        assertThat(generated).as("generated " + file).isNotNull();
        Path golden = GOLDEN.resolve(file + ".txt");
        String text = generated.toString();
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, text, StandardCharsets.UTF_8);
        }
        assertThat(text).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
