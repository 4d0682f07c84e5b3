package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.core.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The homeserver's command line: the printed configuration reads back as the same configuration. */
class MainTest {

    @TempDir
    Path dir;

    @Test
    void generateConfigPrintsACommentedConfigurationThatReadsBack() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"generate-config", "--server-name", "example.org", "--port", "8448", "--data-dir", "/var/lib/mx"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String yaml = out.toString(StandardCharsets.UTF_8);
        Path file = Files.writeString(dir.resolve("homeserver.yaml"), yaml);

        assertThat(code).isZero();
        assertThat(yaml).contains("# The server name").contains("access_token_lifetime_ms: 900000");
        assertThat(ServerConfig.read(file)).isEqualTo(new ServerConfig("example.org", "127.0.0.1", 8448, "/var/lib/mx", "sqlite", Optional.empty(),
                true, 1 << 20, 20, 900_000));
    }

    @Test
    void aConfigurationWithAnUnknownKeyOrBadValueIsRefusedByName() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "server_name: x\nportt: 1\n");
        Path negative = Files.writeString(dir.resolve("negative.yaml"), "access_token_lifetime_ms: -5\n");

        assertThatThrownBy(() -> ServerConfig.read(typo)).hasMessageContaining("typo.yaml").hasMessageContaining("portt");
        assertThatThrownBy(() -> ServerConfig.read(negative)).hasMessageContaining("negative.yaml")
                .hasMessageContaining("access_token_lifetime_ms must be positive");
    }
}
