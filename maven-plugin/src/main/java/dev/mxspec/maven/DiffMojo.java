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

    /** The Matrix spec folder: one folder per release ({@code v1.7/data}, ...). */
    @Parameter(property = "mxspec.specDirectory", required = true)
    private File specDirectory;

    /** The older release folder name. */
    @Parameter(property = "mxspec.from", required = true)
    private String from;

    /** The newer release folder name. */
    @Parameter(property = "mxspec.to", required = true)
    private String to;

    /** The changelog folder ({@code vX.Y.md} files); by default {@code changelog} in the spec folder. */
    @Parameter(property = "mxspec.changelogs")
    private File changelogs;

    /** Where the reports go. */
    @Parameter(property = "mxspec.diffDirectory", defaultValue = "${project.build.directory}/mxspec-diff/${mxspec.from}-${mxspec.to}")
    private File outputDirectory;

    @Override
    public void execute() throws MojoFailureException {
        File logs = changelogs != null ? changelogs : new File(specDirectory, "changelog");
        try {
            ReleaseDiff diff = ReleaseDiff.compute(SpecReader.read(specDirectory.toPath().resolve(from)),
                    SpecReader.read(specDirectory.toPath().resolve(to)), logs.toPath());
            DiffReportWriter.write(diff, outputDirectory.toPath());
            getLog().info("mxspec: " + from + " -> " + to + ": " + diff.changes().size() + " structural changes ("
                    + diff.unexplained().size() + " without a changelog entry), " + diff.unfulfilled().size()
                    + " announced but not in the data, " + diff.code().size() + " generated-code changes; reports in " + outputDirectory);
        } catch (SpecException e) {
            throw new MojoFailureException("mxspec: " + e.getMessage());
        }
    }
}
