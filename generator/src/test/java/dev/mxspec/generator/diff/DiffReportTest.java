package dev.mxspec.generator.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.cli.Main;
import dev.mxspec.runtime.json.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code diff} command and its three reports. */
class DiffReportTest {

    @TempDir
    Path out;

    @Test
    void theDiffCommandWritesMarkdownHtmlAndJson() throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"diff", SpecSources.release("v1.3").toString(), SpecSources.release("v1.4").toString(),
                "--changelogs", SpecSources.root().resolve("changelog").toString(), "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(code).isZero();
        ReleaseDiff diff = ReleaseDiffTest.diff("v1.3", "v1.4");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).startsWith("v1.3 -> v1.4: " + diff.changes().size() + " structural changes ("
                + (diff.changes().size() - diff.unexplained().size()) + " explained by the changelog, " + diff.unexplained().size()
                + " not), 1 announced but not in the data, " + diff.code().size() + " generated-code changes\n");

        JsonNode json = CanonicalJson.parse(Files.readString(out.resolve("diff.json")));
        assertThat(json.get("from").asText()).isEqualTo("v1.3");
        assertThat(json.get("to").asText()).isEqualTo("v1.4");
        assertThat(json.get("total").asInt()).isEqualTo(diff.changes().size());
        assertThat(json.get("unfulfilled").get(0).get("mscs").get(0).get("label").asText()).isEqualTo("MSC3844");
        int listed = 0;
        for (JsonNode api : json.get("apis")) {
            listed += api.get("changes").size();
        }
        assertThat(listed).isEqualTo(diff.changes().size());

        String md = Files.readString(out.resolve("diff.md"));
        assertThat(md).startsWith("# Matrix spec v1.3 → v1.4\n")
                .contains("\n## client-server\n")
                .contains("- **operation added**: `GET /_matrix/client/v1/rooms/{roomId}/threads` (now getThreadRoots). Clients: compatible, servers: breaking.\n")
                .contains("\n## Announced, but not in the data\n")
                .contains("\n## Generated code\n");

        String html = Files.readString(out.resolve("diff.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                .contains("<details class=\"api\" open data-api=\"api-client-server\"><summary><h2 id=\"api-client-server\">client-server</h2></summary>")
                .contains("<option value=\"api-client-server\">client-server</option>")
                .containsPattern("class=\"change[^\"]*\" data-api=\"api-client-server\" data-client=\"(breaking|compatible)\" "
                        + "data-server=\"(breaking|compatible)\" data-explained=\"(yes|no)\"")
                .contains("<a href=\"https://github.com/matrix-org/matrix-spec-proposals/pull/3440\">MSC3440</a>");
    }

    @Test
    void missingArgumentsAreAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"diff", "a", "b"}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "usage: diff <from release folder> <to release folder> --changelogs <changelog folder> --out <folder>\n");
    }
}
