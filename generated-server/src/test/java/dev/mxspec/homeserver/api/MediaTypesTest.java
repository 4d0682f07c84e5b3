package dev.mxspec.homeserver.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How downloads present themselves to browsers. */
class MediaTypesTest {

    @Test
    void onlyTypesThatCannotRunScriptAreInline() {
        assertThat(MediaTypes.contentDisposition("image/png", Optional.empty())).isEqualTo("inline");
        assertThat(MediaTypes.contentDisposition("IMAGE/JPEG; foo=bar", Optional.empty())).isEqualTo("inline");
        assertThat(MediaTypes.contentDisposition("text/plain; charset=utf-8", Optional.empty())).isEqualTo("inline");
        assertThat(MediaTypes.contentDisposition("video/mp4", Optional.empty())).isEqualTo("inline");
        assertThat(MediaTypes.contentDisposition("text/html", Optional.empty())).isEqualTo("attachment");
        assertThat(MediaTypes.contentDisposition("image/svg+xml", Optional.empty())).isEqualTo("attachment");
        assertThat(MediaTypes.contentDisposition("application/xhtml+xml", Optional.empty())).isEqualTo("attachment");
        assertThat(MediaTypes.contentDisposition("application/octet-stream", Optional.empty())).isEqualTo("attachment");
        assertThat(MediaTypes.contentDisposition("application/pdf", Optional.empty())).isEqualTo("attachment");
    }

    @Test
    void aPlainAsciiNameIsATokenAndAnyOtherNameIsPercentEncodedUtf8() {
        assertThat(MediaTypes.contentDisposition("image/png", Optional.of("cat.png"))).isEqualTo("inline; filename=cat.png");
        assertThat(MediaTypes.contentDisposition("text/html", Optional.of("naïve café.html")))
                .isEqualTo("attachment; filename*=utf-8''na%C3%AFve%20caf%C3%A9.html");
        assertThat(MediaTypes.contentDisposition("text/html", Optional.of("a\r\nSet-Cookie: x=\"1\";.html")))
                .isEqualTo("attachment; filename*=utf-8''a%0D%0ASet-Cookie%3A%20x%3D%221%22%3B.html");
        assertThat(MediaTypes.contentDisposition("text/html", Optional.of(""))).isEqualTo("attachment");
    }

    @Test
    void textTypesWithoutACharsetAreServedAsUtf8() {
        assertThat(MediaTypes.servedContentType("text/html")).isEqualTo("text/html; charset=UTF-8");
        assertThat(MediaTypes.servedContentType("text/plain; charset=latin1")).isEqualTo("text/plain; charset=latin1");
        assertThat(MediaTypes.servedContentType("image/png")).isEqualTo("image/png");
    }
}
