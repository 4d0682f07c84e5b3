package dev.mxspec.generator.source;

import dev.mxspec.generator.parse.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the releases of a spec directory are: one folder per release ({@code v1.7/data}, ...), or
 * the tags of a matrix-spec git repository (read with {@link GitReleases}).
 */
public final class SpecSource {

    private SpecSource() {}

    /** The folder of one release, holding {@code data/}. */
    public static Path releaseFolder(Path specDirectory, String release) {
        Path folder = specDirectory.resolve(release);
        if (Files.isDirectory(folder)) {
            return folder;
        }
        if (GitReleases.isRepository(specDirectory)) {
            return GitReleases.release(specDirectory, release, cacheRoot());
        }
        throw new SpecException(folder, 0, "release folder missing (expected " + release + "/data under the spec directory "
                + specDirectory + ", or a matrix-spec git repository with the tag " + release + ")");
    }

    /** What identifies a release's content cheaply: the tagged commit, for a release read from git. */
    public static Optional<String> gitCommit(Path specDirectory, String release) {
        if (Files.isDirectory(specDirectory.resolve(release)) || !GitReleases.isRepository(specDirectory)) {
            return Optional.empty();
        }
        return GitReleases.commit(specDirectory, release);
    }

    /** The changelog folder of a spec directory: {@code changelog/}, else the repository layout's {@code content/changelog/}. */
    public static Path changelogFolder(Path specDirectory, String newestRelease) {
        Path plain = specDirectory.resolve("changelog");
        if (Files.isDirectory(plain)) {
            return plain;
        }
        Path repository = specDirectory.resolve("content/changelog");
        if (Files.isDirectory(repository)) {
            return repository;
        }
        if (GitReleases.isRepository(specDirectory)) {
            return releaseFolder(specDirectory, newestRelease).resolve("content/changelog");
        }
        return plain;
    }

    private static Path cacheRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "mxspec-git");
    }
}
