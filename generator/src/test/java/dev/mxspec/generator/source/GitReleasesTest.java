package dev.mxspec.generator.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.parse.SpecException;
import dev.mxspec.generator.parse.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A matrix-spec git repository as the spec directory: releases are its tags, read without a checkout. */
class GitReleasesTest {

    @TempDir
    Path dir;

    @Test
    void eachTagIsReadAsItWasTaggedWhateverTheWorkingTreeHolds() throws Exception {
        Path repo = dir.resolve("matrix-spec");
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            writeRelease(repo, "/a");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("one").setSign(false).setAuthor("t", "t@example.org").setCommitter("t", "t@example.org").call();
            git.tag().setName("v1.1").setAnnotated(true).setMessage("v1.1").setSigned(false).call();
            writeRelease(repo, "/b");
            Files.writeString(repo.resolve("content/changelog/v1.2.md"), "## v1.2\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("two").setSign(false).setAuthor("t", "t@example.org").setCommitter("t", "t@example.org").call();
            git.tag().setName("v1.2").setAnnotated(false).call();
            writeRelease(repo, "/not-released");
        }

        SpecRelease v11 = SpecReader.read(SpecSource.releaseFolder(repo, "v1.1"));
        SpecRelease v12 = SpecReader.read(SpecSource.releaseFolder(repo, "v1.2"));

        assertThat(v11.version()).isEqualTo("v1.1");
        assertThat(v11.operations()).extracting(o -> o.key()).containsExactly("GET /_matrix/client/v3/a");
        assertThat(v12.operations()).extracting(o -> o.key()).containsExactly("GET /_matrix/client/v3/b");
        assertThat(SpecSource.changelogFolder(repo, "v1.2").resolve("v1.2.md")).content().isEqualTo("## v1.2\n");
        assertThat(SpecSource.gitCommit(repo, "v1.1")).isNotEqualTo(SpecSource.gitCommit(repo, "v1.2"));
        assertThatThrownBy(() -> SpecSource.releaseFolder(repo, "v9.9"))
                .isInstanceOf(SpecException.class)
                .hasMessage(repo + ": the git repository has no tag 'v9.9' (its release tags: v1.1, v1.2)");
    }

    private static void writeRelease(Path repo, String path) throws IOException {
        Path data = repo.resolve("data");
        for (String api : new String[] {"client-server", "server-server", "application-service", "identity", "push-gateway"}) {
            Files.createDirectories(data.resolve("api").resolve(api));
            Files.writeString(data.resolve("api").resolve(api).resolve(".keep"), "");
        }
        Files.createDirectories(data.resolve("event-schemas/schema"));
        Files.createDirectories(data.resolve("event-schemas/examples"));
        Files.writeString(data.resolve("event-schemas/schema/.keep"), "");
        Files.writeString(data.resolve("event-schemas/examples/.keep"), "");
        Files.createDirectories(repo.resolve("content/changelog"));
        Files.writeString(data.resolve("api/client-server/x.yaml"), """
                openapi: 3.1.0
                info:
                  title: x
                servers:
                  - url: /_matrix/client/v3
                paths:
                  %s:
                    get:
                      operationId: getX
                      responses:
                        "200":
                          description: ok
                """.formatted(path));
    }
}
