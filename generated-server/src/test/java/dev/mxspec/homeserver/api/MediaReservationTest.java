package dev.mxspec.homeserver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.spec.v1_7.clientserver.endpoints.CreateContent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UploadContentToMXC;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reserved media ID that is never filled expires: an upload after its time is refused, and it no longer counts against the limit. */
class MediaReservationTest {

    @TempDir
    Path dir;

    @Test
    void reservationsExpireUnused() {
        AtomicLong now = new AtomicLong(1_000_000);
        Caller alice = new Caller("@alice:localhost", "DEV", "hash");
        MediaHandlers media = new MediaHandlers(dir, "localhost", 1 << 20, token -> alice, 60_000, now::get);
        RequestContext context = new RequestContext(new ServerRequest("POST", "/", Map.of(), Map.of(), new byte[0], "127.0.0.1"),
                Optional.of("t"), Optional.<Object>of(alice));
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < MediaHandlers.MAX_PENDING_PER_USER; i++) {
            var created = media.createContent(context, new CreateContent.Request());
            assertThat(created.unusedExpiresAt()).contains(now.get() + 60_000);
            ids.add(created.contentUri().substring("mxc://localhost/".length()));
        }
        assertThatThrownBy(() -> media.createContent(context, new CreateContent.Request()))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_LIMIT_EXCEEDED"));

        now.addAndGet(60_001); // a minute later, all five expired unused
        assertThatThrownBy(() -> media.uploadContentToMXC(context, new UploadContentToMXC.Request("localhost", ids.getFirst(),
                Optional.empty(), Optional.of("text/plain"), "late".getBytes())))
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errcode()).isEqualTo("M_NOT_FOUND");
                });
        assertThat(media.createContent(context, new CreateContent.Request()).contentUri()).startsWith("mxc://localhost/");
    }
}
