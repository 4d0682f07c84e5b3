package dev.mxspec.homeserver.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code metrics:} block of the configuration, and what the metrics listener answers. */
class MetricsSettingsTest {

    @TempDir
    Path dir;

    @Test
    void theMetricsBlockIsReadOffByDefaultAndOnLoopbackUnlessTold() throws Exception {
        ServerConfig given = ServerConfig.read(Files.writeString(dir.resolve("metrics.yaml"), "metrics:\n  port: 9000\n"));
        ServerConfig absent = ServerConfig.read(Files.writeString(dir.resolve("empty.yaml"), "server_name: example.org\n"));

        assertThat(given.metrics()).isEqualTo(new MetricsSettings(9000, "127.0.0.1"));
        assertThat(given.metrics().enabled()).isTrue();
        assertThat(absent.metrics().enabled()).isFalse();
        assertThat(ServerConfig.read(Files.writeString(dir.resolve("printed.yaml"), given.toYaml())).metrics().host()).isEqualTo("127.0.0.1");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "metrics:\n  port: 70000\n");
        assertThatThrownBy(() -> ServerConfig.read(bad)).hasMessageContaining("metrics.port must be between 1 and 65535");
    }

    @Test
    void theListenerServesGetMetricsOnly() {
        try (Metrics metrics = new Metrics()) {
            metrics.registry().counter("mxspec.test.things").increment(3);
            ServerResponse scrape = metrics.answer(request("GET", "/metrics"));
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.contentType()).startsWith("text/plain");
            assertThat(new String(scrape.body(), StandardCharsets.UTF_8)).contains("mxspec_test_things_total 3.0");
            assertThat(metrics.answer(request("POST", "/metrics")).status()).isEqualTo(405);
            assertThat(metrics.answer(request("GET", "/_matrix/client/versions")).status()).isEqualTo(404);
        }
    }

    private static ServerRequest request(String method, String path) {
        return new ServerRequest(method, path, Map.of(), Map.of(), new byte[0], "127.0.0.1");
    }
}
