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

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    private static final Map<String, Map<String, JavaFile>> FILES = new java.util.concurrent.ConcurrentHashMap<>();

    /** The generated files of a release by path below its package ({@code clientserver/SyncResponse.java}). */
    private static Map<String, JavaFile> files(String version) {
        return FILES.computeIfAbsent(version, v -> {
            String root = "dev.mxspec.spec." + JavaLayout.releasePackage(v) + ".";
            return new JavaGenerator(SpecSources.model(v), GenerateOptions.all("dev.mxspec.spec", JavaLayout.releasePackage(v)))
                    .files().stream()
                    .collect(Collectors.toMap(f -> f.packageName().substring(root.length()).replace('.', '/')
                            + "/" + f.typeSpec().name() + ".java", Function.identity()));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // a simple endpoint: metadata, request, response, handler
        "v1.7/clientserver/endpoints/GetTokenOwner.java",
        "v1.7/clientserver/GetTokenOwnerResponse.java",
        "v1.7/clientserver/server/WhoamiHandler.java",
        // sync
        "v1.7/clientserver/endpoints/Sync.java",
        "v1.7/clientserver/SyncResponse.java",
        // an event with msgtype variants, and the dispatch
        "v1.7/events/RoomMessageTextEventContent.java",
        "v1.7/events/RoomMessageEventContent.java",
        "v1.7/events/Events.java",
        // properties together with additionalProperties
        "v1.7/clientserver/Capabilities.java",
        // an open enum
        "v1.7/events/RoomMemberEventContentMembership.java",
        // an optional field that may be null (displayname), and raw content
        "v1.7/events/RoomMemberEventContent.java",
        "v1.7/events/RawEventContent.java",
        // unions: a string or any object; a string or a record; a string, integer or boolean
        "v1.7/clientserver/PushRuleActions.java",
        "v1.7/clientserver/UploadKeysRequestOneTimeKeys.java",
        "v1.16/clientserver/PushConditionValue.java",
        // an object the API file leaves open and the prose gives fields (open-objects.yaml)
        "v1.7/clientserver/DeviceLists.java",
        // OpenAPI 3.1: the base path from 'servers', bodies from 'content', a media upload, deprecated fields
        "v1.16/clientserver/endpoints/Sync.java",
        "v1.16/clientserver/SyncResponse.java",
        "v1.16/clientserver/endpoints/CreateRoom.java",
        "v1.16/clientserver/endpoints/UploadContent.java",
        "v1.16/clientserver/Capabilities.java",
        "v1.16/events/RoomMemberEventContent.java"
    })
    void generatedFileMatchesItsGoldenCopy(String file) throws IOException {
        String version = file.substring(0, file.indexOf('/'));
        JavaFile generated = files(version).get(file.substring(version.length() + 1));
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
