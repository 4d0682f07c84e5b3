package dev.mxspec.maven;

import dev.mxspec.generator.bundle.OpenApiBundle;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.parse.SpecException;
import dev.mxspec.generator.parse.SpecReader;
import dev.mxspec.generator.source.SpecSource;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Writes one self-contained OpenAPI 3.1 document per API per release ({@code <release>/<api>.json}),
 * from mxspec's model, for tools of other languages.
 */
@Mojo(name = "bundle", defaultPhase = LifecyclePhase.PACKAGE, requiresProject = false, threadSafe = true)
public final class BundleMojo extends AbstractMojo {

    /** The Matrix spec folder: one folder per release, or a matrix-spec git repository (releases are its tags). */
    @Parameter(property = "mxspec.specDirectory", required = true)
    private File specDirectory;

    /** Release folder names (or tags). */
    @Parameter(property = "mxspec.releases", defaultValue = "v1.7")
    private List<String> releases;

    /** Where the documents go; by default {@code target/mxspec-bundle} of the project, or of the current folder outside a project. */
    @Parameter(property = "mxspec.bundleDirectory")
    private File outputDirectory;

    @Parameter(defaultValue = "${project}", readonly = true)
    private org.apache.maven.project.MavenProject project;

    @Override
    public void execute() throws MojoFailureException {
        File out = outputDirectory != null ? outputDirectory
                : new File(project != null && project.getFile() != null ? new File(project.getBuild().getDirectory())
                        : new File(System.getProperty("user.dir"), "target"), "mxspec-bundle");
        try {
            for (String release : releases) {
                SpecRelease model = SpecReader.read(SpecSource.releaseFolder(specDirectory.toPath(), release));
                List<Diagnostic> errors = model.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
                if (!errors.isEmpty()) {
                    errors.forEach(e -> getLog().error(e.toString()));
                    throw new MojoFailureException("mxspec: " + release + ": " + errors.size() + " error(s); no bundle written");
                }
                List<Path> files = OpenApiBundle.write(model, out.toPath().resolve(release));
                getLog().info("mxspec: " + release + ": " + files.size() + " OpenAPI 3.1 documents in " + out.toPath().resolve(release));
            }
        } catch (SpecException e) {
            throw new MojoFailureException("mxspec: " + e.getMessage());
        }
    }
}
