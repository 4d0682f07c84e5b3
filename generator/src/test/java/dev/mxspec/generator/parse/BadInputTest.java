package dev.mxspec.generator.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.SpecRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small hand-written releases, each broken in one way. */
class BadInputTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFolderIsNamed() {
        Path missing = dir.resolve("v9.9/data");

        assertThatThrownBy(() -> SpecReader.read(missing))
                .isInstanceOf(SpecException.class)
                .hasMessage(missing + ": spec release folder does not exist (expected a release folder such as "
                        + "matrix-spec/v1.7/data, holding api/ and event-schemas/)");
    }

    @Test
    void aFolderThatIsNotAReleaseSaysWhatWasExpected() {
        assertThatThrownBy(() -> SpecReader.read(dir))
                .isInstanceOf(SpecException.class)
                .hasMessage(dir.resolve("api") + ": not a Matrix spec release: expected the folder api/ "
                        + "(with client-server/, server-server/, ...) and event-schemas/");
    }

    @Test
    void malformedYamlNamesFileAndLine() throws IOException {
        Path data = minimalRelease();
        write(data.resolve("api/client-server/broken.yaml"), """
                swagger: '2.0'
                paths:
                  "/x":
                    get: {responses: {200: {description: ok}
                """);

        assertThatThrownBy(() -> SpecReader.read(data))
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).file()).isEqualTo(data.resolve("api/client-server/broken.yaml")))
                .hasMessageStartingWith(data.resolve("api/client-server/broken.yaml") + ":5: malformed YAML: ");
    }

    @Test
    void aBrokenRefNamesTheReferringFileAndTheMissingTarget() throws IOException {
        Path data = minimalRelease();
        write(data.resolve("api/client-server/ref.yaml"), """
                swagger: '2.0'
                basePath: /_matrix/client/v3
                paths:
                  "/x":
                    get:
                      operationId: getX
                      responses:
                        200:
                          description: ok
                          schema:
                            $ref: definitions/nowhere.yaml
                """);

        assertThatThrownBy(() -> SpecReader.read(data))
                .isInstanceOf(SpecException.class)
                .hasMessage(data.resolve("api/client-server/ref.yaml") + ":11: $ref 'definitions/nowhere.yaml' points to "
                        + data.resolve("api/client-server/definitions/nowhere.yaml") + ", which does not exist");
    }

    @Test
    void whatTheReaderDoesNotUnderstandIsADiagnosticWithLine() throws IOException {
        Path data = minimalRelease();
        write(data.resolve("api/client-server/odd.yaml"), """
                swagger: '2.0'
                basePath: /_matrix/client/v3
                paths:
                  "/x/{id}":
                    get:
                      operationId: getX
                      x-unheard-of: true
                      parameters:
                        - in: cookie
                          name: c
                          type: string
                      responses:
                        200:
                          description: ok
                          schema:
                            type: object
                            properties:
                              n:
                                type: integer
                                unevaluatedItems: false
                """);

        SpecRelease release = SpecReader.read(data);

        assertThat(release.diagnostics()).containsExactly(
                Diagnostic.error(new dev.mxspec.generator.model.SourceRef("api/client-server/odd.yaml", 6),
                        "path segment {id} of /_matrix/client/v3/x/{id} has no path parameter"),
                Diagnostic.warning(new dev.mxspec.generator.model.SourceRef("api/client-server/odd.yaml", 7),
                        "operation key 'x-unheard-of' is not understood; ignored"),
                Diagnostic.error(new dev.mxspec.generator.model.SourceRef("api/client-server/odd.yaml", 9),
                        "parameter 'c' is in 'cookie'; expected path, query, header or body"),
                Diagnostic.warning(new dev.mxspec.generator.model.SourceRef("api/client-server/odd.yaml", 20),
                        "schema keyword 'unevaluatedItems' is not understood; ignored"));
        assertThat(release.operation("GET", "/_matrix/client/v3/x/{id}")).isPresent();
    }

    @Test
    void openApi3ConstructsTheReaderDoesNotKnowAreDiagnosticsWithLine() throws IOException {
        Path data = minimalRelease();
        write(data.resolve("api/client-server/odd3.yaml"), """
                openapi: 3.1.0
                info:
                  title: odd
                paths:
                  /x:
                    post:
                      operationId: postX
                      callbacks: {}
                      requestBody:
                        content:
                          application/json:
                            schema:
                              type: object
                            encoding: {}
                      responses:
                        "200":
                          description: ok
                          content:
                            application/json:
                              schema:
                                $ref: "#/components/schemas/Thing"
                webhooks: {}
                servers:
                  - url: "{protocol}://{host}/_matrix/client/v3"
                    variables:
                      protocol:
                        default: https
                components:
                  schemas:
                    Thing:
                      type: object
                      properties:
                        n:
                          type: integer
                  links: {}
                """);

        SpecRelease release = SpecReader.read(data);

        assertThat(release.diagnostics()).containsExactly(
                Diagnostic.warning(new dev.mxspec.generator.model.SourceRef("api/client-server/odd3.yaml", 8),
                        "operation key 'callbacks' is not understood; ignored"),
                Diagnostic.warning(new dev.mxspec.generator.model.SourceRef("api/client-server/odd3.yaml", 14),
                        "media type key 'encoding' is not understood; ignored"),
                Diagnostic.warning(new dev.mxspec.generator.model.SourceRef("api/client-server/odd3.yaml", 22),
                        "top-level key 'webhooks' is not understood; ignored"),
                Diagnostic.error(new dev.mxspec.generator.model.SourceRef("api/client-server/odd3.yaml", 24),
                        "server variable 'host' has no default; the base path cannot be known"),
                Diagnostic.warning(new dev.mxspec.generator.model.SourceRef("api/client-server/odd3.yaml", 35),
                        "component kind 'links' is not understood; ignored"));
        assertThat(release.operation("POST", "/_matrix/client/v3/x").orElseThrow().response(200).orElseThrow().type())
                .hasValueSatisfying(t -> assertThat(t.display()).isEqualTo("PostXResponse")); // named by its place of use, as inline schemas are
    }

    @Test
    void aJsonPointerThatLeadsNowhereNamesTheRefAndTheLine() throws IOException {
        Path data = minimalRelease();
        write(data.resolve("api/client-server/ptr.yaml"), """
                openapi: 3.1.0
                servers:
                  - url: /_matrix/client/v3
                paths:
                  /x:
                    get:
                      operationId: getX
                      parameters:
                        - $ref: "#/components/parameters/missing"
                      responses:
                        "200":
                          description: ok
                components:
                  parameters: {}
                """);

        assertThatThrownBy(() -> SpecReader.read(data))
                .isInstanceOf(SpecException.class)
                .hasMessage(data.resolve("api/client-server/ptr.yaml") + ":9: $ref '#/components/parameters/missing': "
                        + "api/client-server/ptr.yaml has nothing at '/components/parameters/missing' (no 'missing' in a mapping at line 14)");
    }

    /** A release with the folders a release has, and no files. */
    private Path minimalRelease() throws IOException {
        Path data = dir.resolve("v0.0/data");
        for (String api : new String[] {"client-server", "server-server", "application-service", "identity", "push-gateway"}) {
            Files.createDirectories(data.resolve("api").resolve(api));
        }
        Files.createDirectories(data.resolve("event-schemas/schema"));
        Files.createDirectories(data.resolve("event-schemas/examples"));
        return data;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
