package dev.mxspec.generator.source;

import dev.mxspec.generator.parse.SpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

/**
 * Spec releases read from a matrix-spec git repository: each release is a tag ({@code v1.16}), read
 * straight from the object database without checking anything out. The files a release needs
 * ({@code data/} and the released changelogs under {@code content/changelog/}) are written once per
 * tagged commit into a cache folder named after the commit, which never changes afterwards.
 */
public final class GitReleases {

    /** What is read of each tag: the spec data and the released changelogs. */
    private static final List<String> PATHS = List.of("data", "content/changelog");

    private GitReleases() {}

    /** Whether {@code dir} is a git repository (a working tree with {@code .git}, or a bare repository). */
    public static boolean isRepository(Path dir) {
        return Files.exists(dir.resolve(".git"))
                || (Files.isDirectory(dir.resolve("objects")) && Files.isDirectory(dir.resolve("refs")) && Files.isRegularFile(dir.resolve("HEAD")));
    }

    /**
     * The release folder (holding {@code data/}, and {@code content/changelog/} when the tag has it)
     * of tag {@code release} of the repository at {@code repositoryDir}, under {@code cacheRoot}.
     */
    public static Path release(Path repositoryDir, String release, Path cacheRoot) {
        try (Repository repository = open(repositoryDir)) {
            Ref tag = repository.exactRef("refs/tags/" + release);
            if (tag == null) {
                throw new SpecException(repositoryDir, 0, "the git repository has no tag '" + release + "' (its release tags: "
                        + String.join(", ", tags(repository)) + ")");
            }
            try (RevWalk walk = new RevWalk(repository)) {
                RevCommit commit = walk.parseCommit(tag.getObjectId());
                Path folder = cacheRoot.resolve(commit.name()).resolve(release);
                if (Files.isDirectory(folder.resolve("data"))) {
                    return folder;
                }
                Path partial = Files.createDirectories(cacheRoot.resolve(commit.name()))
                        .resolve(release + ".partial-" + ProcessHandle.current().pid());
                int written = extract(repository, commit, partial);
                if (written == 0) {
                    throw new SpecException(repositoryDir, 0, "tag '" + release + "' has no data/ folder: not a spec release");
                }
                try {
                    Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException alreadyThere) {
                    if (!Files.isDirectory(folder.resolve("data"))) {
                        throw alreadyThere;
                    }
                }
                return folder;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The commit a release tag points to, when there is such a tag. */
    public static Optional<String> commit(Path repositoryDir, String release) {
        try (Repository repository = open(repositoryDir)) {
            Ref tag = repository.exactRef("refs/tags/" + release);
            if (tag == null) {
                return Optional.empty();
            }
            Ref peeled = repository.getRefDatabase().peel(tag);
            ObjectId id = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
            return Optional.of(id.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Repository open(Path dir) throws IOException {
        FileRepositoryBuilder builder = new FileRepositoryBuilder();
        if (Files.exists(dir.resolve(".git"))) {
            builder.findGitDir(dir.toFile());
        } else {
            builder.setGitDir(dir.toFile());
        }
        return builder.setMustExist(true).build();
    }

    private static List<String> tags(Repository repository) throws IOException {
        List<String> names = new ArrayList<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix("refs/tags/")) {
            String name = ref.getName().substring("refs/tags/".length());
            if (name.matches("v[0-9]+\\.[0-9]+")) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }

    private static int extract(Repository repository, RevCommit commit, Path target) throws IOException {
        int written = 0;
        try (TreeWalk tree = new TreeWalk(repository)) {
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            tree.setFilter(PathFilterGroup.createFromStrings(PATHS));
            while (tree.next()) {
                Path file = target.resolve(tree.getPathString());
                if (!file.normalize().startsWith(target)) {
                    continue;
                }
                Files.createDirectories(file.getParent());
                ObjectLoader blob = repository.open(tree.getObjectId(0));
                try (InputStream in = blob.openStream()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                if (tree.getPathString().startsWith("data/")) {
                    written++;
                }
            }
        }
        return written;
    }
}
