package dev.mxspec.generator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateAndBundleCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void generateRefusesAReleaseWithErrorsPrintingEachWithFileAndLine() throws IOException {
        Path spec = dir.resolve("spec");
        Path data = spec.resolve("v0.1/data");
        for (String api : new String[] {"client-server", "server-server", "application-service", "identity", "push-gateway"}) {
            Files.createDirectories(data.resolve("api").resolve(api));
        }
        Files.createDirectories(data.resolve("event-schemas/schema"));
        Files.createDirectories(data.resolve("event-schemas/examples"));
        Files.writeString(data.resolve("api/client-server/x.yaml"), """
                openapi: 3.1.0
                servers:
                  - url: /_matrix/client/v3
                paths:
                  /rooms/{roomId}:
                    get:
                      operationId: getRoom
                      responses:
                        "200":
                          description: ok
                """);

        int code = run("generate", spec.toString(), "--releases", "v0.1", "--out", dir.resolve("out").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                data.resolve("api/client-server/x.yaml") + ":7: error: path segment {roomId} of /_matrix/client/v3/rooms/{roomId} has no path parameter\n"
                + "mxspec: the spec cannot be generated faithfully: 1 error; nothing was generated\n");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void bundleWritesOneOpenApiDocumentPerApi() throws IOException {
        int code = run("bundle", SpecSources.release("v1.16").toString(), "--out", dir.resolve("bundle").toString());

        assertThat(code).isEqualTo(0);
        try (Stream<Path> files = Files.list(dir.resolve("bundle"))) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted()).containsExactly(
                    "application-service.json", "client-server.json", "identity.json", "push-gateway.json", "server-server.json");
        }
        assertThat(Files.readString(dir.resolve("bundle/client-server.json"))).startsWith("{\n  \"openapi\" : \"3.1.0\",");
    }
}
