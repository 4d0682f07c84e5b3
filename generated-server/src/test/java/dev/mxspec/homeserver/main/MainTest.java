package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.core.HttpSettings;
import dev.mxspec.homeserver.core.RateLimits;
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
        assertThat(yaml).contains("# The server name").contains("access_token_lifetime_ms: 900000").contains("request_log: false")
                .contains("rate_limits:\n").contains("  login: {per_second: 2, burst_count: 10}\n")
                .contains("  login_failures: {per_second: 0.05, burst_count: 5}\n").contains("  sends: {per_second: 20, burst_count: 100}\n")
                .contains("http:\n").contains("  header_timeout_ms: 10000\n").contains("  accept_backlog: 1024\n");
        assertThat(ServerConfig.read(file)).isEqualTo(new ServerConfig("example.org", "127.0.0.1", 8448, "/var/lib/mx", "sqlite", Optional.empty(),
                true, 1 << 20, 20, 900_000));
    }

    @Test
    void rateLimitsCanBeChangedOrSwitchedOffOneByOneAndHttpSettingsSet() throws Exception {
        Path file = Files.writeString(dir.resolve("limits.yaml"), """
                rate_limits:
                  login: {per_second: -1}
                  registration: {per_second: 0.5}
                  login_failures: {burst_count: 3}
                http:
                  header_timeout_ms: 2500
                  accept_backlog: 64
                request_log: true
                """);

        ServerConfig config = ServerConfig.read(file);

        assertThat(config.rateLimits()).isEqualTo(new RateLimits(RateLimits.Limit.off(), new RateLimits.Limit(0.05, 3.0),
                new RateLimits.Limit(0.5, 10.0), new RateLimits.Limit(20.0, 100.0)));
        assertThat(config.http()).isEqualTo(new HttpSettings(2500, 60_000, 60_000, 64, 8192));
        assertThat(config.requestLog()).isTrue();
    }

    @Test
    void anOlderConfigurationWithSendRatePerSecondStillReads() throws Exception {
        Path off = Files.writeString(dir.resolve("off.yaml"), "server_name: x\nsend_rate_per_second: -1\n");
        Path slow = Files.writeString(dir.resolve("slow.yaml"), "send_rate_per_second: 2\n");
        Path both = Files.writeString(dir.resolve("both.yaml"), "send_rate_per_second: 2\nrate_limits:\n  sends: {per_second: 7}\n");

        assertThat(ServerConfig.read(off).rateLimits()).isEqualTo(RateLimits.defaults().withSends(RateLimits.Limit.off()));
        assertThat(ServerConfig.read(off).sendRatePerSecond()).isEqualTo(-1);
        assertThat(ServerConfig.read(slow).rateLimits().sends()).isEqualTo(new RateLimits.Limit(2.0, 10.0));
        assertThat(ServerConfig.read(both).rateLimits().sends()).isEqualTo(new RateLimits.Limit(7.0, 100.0));
        assertThat(ServerConfig.read(both).sendRatePerSecond()).isEqualTo(7);
    }

    @Test
    void aZeroRateAnUnknownLimitOrANegativeTimeoutIsRefusedByName() throws Exception {
        Path zero = Files.writeString(dir.resolve("zero.yaml"), "rate_limits:\n  login: {per_second: 0}\n");
        Path unknown = Files.writeString(dir.resolve("unknown.yaml"), "rate_limits:\n  logins: {per_second: 1}\n");
        Path negative = Files.writeString(dir.resolve("timeout.yaml"), "http:\n  body_timeout_ms: -1\n");

        assertThatThrownBy(() -> ServerConfig.read(zero)).hasMessageContaining("zero.yaml")
                .hasMessageContaining("rate_limits.login.per_second must be positive, or -1 to switch the limit off");
        assertThatThrownBy(() -> ServerConfig.read(unknown)).hasMessageContaining("unknown.yaml").hasMessageContaining("logins");
        assertThatThrownBy(() -> ServerConfig.read(negative)).hasMessageContaining("timeout.yaml")
                .hasMessageContaining("http.body_timeout_ms must be positive, not -1");
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
