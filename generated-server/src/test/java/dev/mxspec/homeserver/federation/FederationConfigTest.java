package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.core.FederationSettings;
import dev.mxspec.homeserver.core.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FederationConfigTest {

    @TempDir
    Path dir;

    @Test
    void federationIsOffByDefaultAndInTheGeneratedConfiguration() throws Exception {
        assertThat(ServerConfig.defaults().federation()).isEqualTo(FederationSettings.defaults());
        assertThat(ServerConfig.defaults().federation().enabled()).isFalse();
        Path file = Files.writeString(dir.resolve("homeserver.yaml"), ServerConfig.defaults().toYaml());
        assertThat(ServerConfig.read(file).federation()).isEqualTo(FederationSettings.defaults());
    }

    @Test
    void theFederationBlockIsRead() throws Exception {
        Path file = Files.writeString(dir.resolve("homeserver.yaml"), """
                server_name: example.org
                federation:
                  port: 8448
                  tls_certificate: /etc/cert.pem
                  tls_private_key: /etc/key.pem
                  trusted_ca: /etc/ca.pem
                  skip_certificate_checks: true
                  key_validity_ms: 3600000
                """);
        assertThat(ServerConfig.read(file).federation()).isEqualTo(new FederationSettings(8448, Optional.of("/etc/cert.pem"),
                Optional.of("/etc/key.pem"), Optional.of("/etc/ca.pem"), true, 3_600_000));
    }

    @Test
    void aPortWithoutCertificateAndKeyIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("homeserver.yaml"), "federation:\n  port: 8448\n");
        assertThatThrownBy(() -> ServerConfig.read(file)).hasMessageContaining("tls_certificate");
        Path unknown = Files.writeString(dir.resolve("unknown.yaml"), "federation:\n  tls_cert: x\n");
        assertThatThrownBy(() -> ServerConfig.read(unknown)).isInstanceOf(IllegalArgumentException.class);
    }
}
