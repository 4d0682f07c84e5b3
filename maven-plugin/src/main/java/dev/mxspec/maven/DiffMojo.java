package dev.mxspec.maven;

import dev.mxspec.generator.diff.ReleaseDiff;
import dev.mxspec.generator.parse.SpecException;
import dev.mxspec.generator.parse.SpecReader;
import dev.mxspec.generator.report.DiffReportWriter;
import java.io.File;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compares two Matrix spec releases: structural changes classified for clients and servers, the
 * changelog entries that explain them, and what changes in generated code. Writes {@code diff.md},
 * {@code diff.html} and {@code diff.json}.
 */
@Mojo(name = "diff", defaultPhase = LifecyclePhase.PACKAGE, requiresProject = false, threadSafe = true)
public final class DiffMojo extends AbstractMojo {

    /** The Matrix spec folder: one folder per release ({@code v1.7/data}, ...), or a matrix-spec git repository (releases are its tags). */
    @Parameter(property = "mxspec.specDirectory", required = true)
    private File specDirectory;

    /** The older release folder name. */
    @Parameter(property = "mxspec.from", required = true)
    private String from;

    /** The newer release folder name. */
    @Parameter(property = "mxspec.to", required = true)
    private String to;

    /**
     * The changelog folder ({@code vX.Y.md} files); by default {@code changelog} in the spec folder,
     * else {@code content/changelog} (the matrix-spec repository's own layout, read from the tag of
     * {@code to} when the spec folder is a git repository).
     */
    @Parameter(property = "mxspec.changelogs")
    private File changelogs;

    /**
     * Where the reports go; by default {@code target/mxspec-diff/<from>-<to>} of the project, or of
     * the current folder when run outside a project.
     */
    @Parameter(property = "mxspec.diffDirectory")
    private File outputDirectory;

    @Parameter(defaultValue = "${project}", readonly = true)
    private org.apache.maven.project.MavenProject project;

    @Override
    public void execute() throws MojoFailureException {
        File logs = changelogs != null ? changelogs : defaultChangelogs();
        File outputDirectory = this.outputDirectory != null ? this.outputDirectory : defaultOutput();
        try {
            ReleaseDiff diff = ReleaseDiff.compute(
                    SpecReader.read(dev.mxspec.generator.source.SpecSource.releaseFolder(specDirectory.toPath(), from)),
                    SpecReader.read(dev.mxspec.generator.source.SpecSource.releaseFolder(specDirectory.toPath(), to)), logs.toPath());
            DiffReportWriter.write(diff, outputDirectory.toPath());
            getLog().info("mxspec: " + from + " -> " + to + ": " + diff.changes().size() + " structural changes ("
                    + diff.unexplained().size() + " without a changelog entry), " + diff.unfulfilled().size()
                    + " announced but not in the data, " + diff.code().size() + " generated-code changes; reports in " + outputDirectory);
        } catch (SpecException e) {
            throw new MojoFailureException("mxspec: " + e.getMessage());
        }
    }

    private File defaultChangelogs() {
        return dev.mxspec.generator.source.SpecSource.changelogFolder(specDirectory.toPath(), to).toFile();
    }

    /** The project's build folder, or {@code target} of the current folder without a project (no unresolved {@code ${...}}). */
    private File defaultOutput() {
        boolean realProject = project != null && project.getFile() != null;
        File base = realProject ? new File(project.getBuild().getDirectory()) : new File(System.getProperty("user.dir"), "target");
        return new File(base, "mxspec-diff/" + from + "-" + to);
    }
}
