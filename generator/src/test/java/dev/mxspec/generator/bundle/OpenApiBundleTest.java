package dev.mxspec.generator.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.SpecRelease;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The OpenAPI 3.1 bundles written from the model: self-contained, and accepted by swagger-parser's validator. */
class OpenApiBundleTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.mxspec.generator.SpecSources#allReleases")
    void everyApiOfEveryReleaseIsAValidSelfContainedDocument(String version) throws Exception {
        SpecRelease release = SpecSources.model(version);
        List<Path> files = OpenApiBundle.write(release, dir.resolve(version));
        Map<String, List<String>> messages = new TreeMap<>();
        Map<String, Integer> operations = new TreeMap<>();
        for (Path file : files) {
            ParseOptions options = new ParseOptions();
            options.setResolve(true);
            SwaggerParseResult result = new OpenAPIV3Parser().readContents(Files.readString(file), null, options);
            messages.put(file.getFileName().toString(), result.getMessages() == null ? List.of() : result.getMessages());
            int count = 0;
            for (var item : result.getOpenAPI().getPaths().values()) {
                count += item.readOperations().size();
            }
            operations.put(file.getFileName().toString(), count);
        }

        assertThat(messages).allSatisfy((file, list) -> assertThat(list).as(version + " " + file).isEmpty());
        Map<String, Integer> expected = new TreeMap<>();
        release.apis().forEach(a -> expected.put(a.kind().folder() + ".json", (int) a.operations().stream()
                .map(o -> o.method() + " " + o.path()).distinct().count()));
        assertThat(operations).isEqualTo(expected);
    }

    @Test
    void theDocumentCarriesTheModelsPathsTypesAndAuthentication() {
        ObjectNode doc = OpenApiBundle.document(SpecSources.model("v1.16"), ApiKind.CLIENT_SERVER);

        JsonNode sync = doc.at("/paths/~1_matrix~1client~1v3~1sync/get");
        assertThat(sync.path("operationId").asText()).isEqualTo("sync");
        assertThat(sync.at("/responses/200/content/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/SyncResponse");
        assertThat(doc.at("/components/schemas/SyncResponse/type").asText()).isEqualTo("object");
        assertThat(sync.at("/security/0").fieldNames().next()).isEqualTo("accessTokenQuery");
        assertThat(doc.at("/components/securitySchemes/accessTokenQuery/in").asText()).isEqualTo("query");
        JsonNode upload = doc.at("/paths/~1_matrix~1media~1v3~1upload/post/requestBody/content");
        assertThat(upload.fieldNames().next()).isEqualTo("application/octet-stream");
        List<String> dangling = new ArrayList<>();
        doc.findValues("$ref").forEach(ref -> {
            if (doc.at(ref.asText().substring(1)).isMissingNode()) {
                dangling.add(ref.asText());
            }
        });
        assertThat(dangling).isEmpty();
    }

    @Test
    void theValidatorUsedHereRejectsABrokenDocument() {
        ObjectNode doc = OpenApiBundle.document(SpecSources.model("v1.16"), ApiKind.PUSH_GATEWAY);
        ((ObjectNode) doc.at("/paths/~1_matrix~1push~1v1~1notify/post")).remove("responses");
        ((ObjectNode) doc.at("/components/schemas")).removeAll();

        SwaggerParseResult result = new OpenAPIV3Parser().readContents(doc.toString(), null, new ParseOptions());

        assertThat(result.getMessages()).isNotEmpty();
    }
}
