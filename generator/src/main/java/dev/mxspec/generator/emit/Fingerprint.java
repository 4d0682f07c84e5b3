package dev.mxspec.generator.emit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A SHA-256 over everything a generation depends on: the configuration, the tool (its version and
 * the bytes of the generator's own jar, so that a rebuilt snapshot counts as a change), and the
 * name, size and modification time of every file of the releases read. Equal fingerprints mean
 * equal output.
 */
final class Fingerprint {

    private Fingerprint() {}

    static String of(CodeGeneration.Config config, String toolVersion) {
        MessageDigest sha = sha256();
        update(sha, "spec:" + config.specDirectory().toAbsolutePath().normalize());
        update(sha, "releases:" + config.releases());
        update(sha, "out:" + config.outputDirectory().toAbsolutePath().normalize());
        update(sha, "package:" + config.basePackage() + "|" + config.releasePackage().orElse("<default>"));
        update(sha, "outputs:" + config.outputs().stream().map(Enum::name).sorted().toList());
        update(sha, "apis:" + config.apis().stream().map(Enum::name).sorted().toList());
        update(sha, "mappings:" + new java.util.TreeMap<>(config.typeMappings()));
        update(sha, "failOnWarnings:" + config.failOnWarnings());
        update(sha, "tool:" + toolVersion);
        codeLocation().ifPresent(jar -> hashFile(sha, jar));
        for (String release : config.releases()) {
            Path dir = config.specDirectory().resolve(release);
            update(sha, "release:" + release);
            java.util.Optional<String> commit = dev.mxspec.generator.source.SpecSource.gitCommit(config.specDirectory(), release);
            if (commit.isPresent()) {
                update(sha, "git:" + commit.get());
                continue;
            }
            if (!Files.isDirectory(dir)) {
                update(sha, "missing");
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Path file : files) {
                // Name, size and modification time: a stat per file keeps the no-op check fast.
                try {
                    update(sha, "file:" + dir.relativize(file).toString().replace('\\', '/') + "|" + Files.size(file)
                            + "|" + Files.getLastModifiedTime(file).toMillis());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static java.util.Optional<Path> codeLocation() {
        try {
            Path location = Path.of(Fingerprint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? java.util.Optional.of(location) : java.util.Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static void hashFile(MessageDigest sha, Path file) {
        try {
            sha.update(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void update(MessageDigest sha, String text) {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
