package dev.mxspec.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.runtime.api.Media;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Media responses: the bytes with their type and disposition, or a temporary redirect to where they are. */
class ServerResponseTest {

    @Test
    void mediaIsServedWithItsTypeAndDisposition() {
        ServerResponse r = ServerResponse.media(200, new Media("image/png", Optional.of("inline; filename=a.png"), new byte[] {1, 2}));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("image/png");
        assertThat(r.headers()).isEqualTo(Map.of("Content-Disposition", "inline; filename=a.png"));
        assertThat(r.body()).containsExactly(1, 2);
    }

    @Test
    void mediaWithALocationIsATemporaryRedirectWithoutBody() {
        ServerResponse r = ServerResponse.media(200, Media.redirect(URI.create("https://media.example.org/m/abc%20d")));

        assertThat(r.status()).isEqualTo(307);
        assertThat(r.headers()).isEqualTo(Map.of("Location", "https://media.example.org/m/abc%20d"));
        assertThat(r.body()).isEmpty();
    }

    @Test
    void aRelativeLocationIsRefused() {
        assertThatThrownBy(() -> Media.redirect(URI.create("/m/abc"))).isInstanceOf(IllegalArgumentException.class);
    }
}
