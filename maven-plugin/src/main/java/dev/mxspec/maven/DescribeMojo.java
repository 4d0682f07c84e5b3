package dev.mxspec.maven;

import dev.mxspec.generator.cli.Describe;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.parse.SpecException;
import dev.mxspec.generator.parse.SpecReader;
import java.io.File;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Prints a summary of a Matrix spec release: each API with its operation count, the type and event
 * schema counts, the examples checked against their schemas, and every diagnostic.
 */
@Mojo(name = "describe", requiresProject = false, threadSafe = true)
public final class DescribeMojo extends AbstractMojo {

    /** The Matrix spec folder: one folder per release ({@code v1.7/data}, ...). */
    @Parameter(property = "mxspec.specDirectory", required = true)
    private File specDirectory;

    /** The release folder name to describe. */
    @Parameter(property = "mxspec.release", defaultValue = "v1.7")
    private String release;

    /** Prints JSON instead of text. */
    @Parameter(property = "mxspec.json", defaultValue = "false")
    private boolean json;

    @Override
    public void execute() throws MojoFailureException {
        try {
            SpecRelease model = SpecReader.read(specDirectory.toPath().resolve(release));
            String summary = json ? Describe.json(model) : Describe.text(model);
            summary.lines().forEach(getLog()::info);
        } catch (SpecException e) {
            throw new MojoFailureException("mxspec: " + e.getMessage());
        }
    }
}
