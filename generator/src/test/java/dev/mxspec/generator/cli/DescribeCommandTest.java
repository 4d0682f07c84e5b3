package dev.mxspec.generator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.generator.SpecSources;
import dev.mxspec.runtime.json.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DescribeCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void jsonSummaryListsEachApiWithItsOperations() {
        int code = run("describe", SpecSources.release("v1.7").toString(), "--json");

        assertThat(code).isZero();
        JsonNode json = CanonicalJson.parse(out.toString(StandardCharsets.UTF_8));
        List<String> apis = new ArrayList<>();
        json.get("apis").forEach(a -> apis.add(a.get("name").asText() + "=" + a.get("operations").asInt()));
        assertThat(apis).containsExactly("client-server=150", "server-server=35", "application-service=9", "identity=23",
                "push-gateway=1");
        assertThat(json.get("types").get("total").asInt()).isEqualTo(SpecSources.model("v1.7").types().size());
        assertThat(json.get("events").get("total").asInt()).isEqualTo(69);
        assertThat(json.get("diagnostics").isArray()).isTrue();
        assertThat(json.get("diagnostics").size()).isEqualTo(SpecSources.model("v1.7").diagnostics().size() + 9);
    }

    @Test
    void textSummaryStartsWithTheApis() {
        int code = run("describe", SpecSources.release("v1.4").toString());

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("""
                Matrix spec v1.4

                APIs
                  client-server           145 operations in 61 files
                  server-server            34 operations in 22 files
                  application-service       8 operations in 4 files
                  identity                 23 operations in 11 files
                  push-gateway              1 operations in 1 files
                  total                   211 operations
                """);
    }

    @Test
    void aMissingReleaseIsAClearErrorNotAStackTrace() {
        int code = run("describe", "/nowhere/v1.7/data");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("mxspec: /nowhere/v1.7/data: spec release folder does not exist "
                + "(expected a release folder such as matrix-spec/v1.7/data, holding api/ and event-schemas/)\n");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run("transmogrify")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("mxspec: unknown command 'transmogrify'\nusage:");
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
