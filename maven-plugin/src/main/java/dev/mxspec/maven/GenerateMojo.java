package dev.mxspec.maven;

import dev.mxspec.generator.emit.CodeGeneration;
import dev.mxspec.generator.emit.SpecProblems;
import dev.mxspec.generator.emit.GenerateOptions.Output;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.parse.SpecException;
import java.io.File;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Generates Java from one or more Matrix spec releases (models, events, endpoint metadata, server
 * stubs, clients) into {@code target/generated-sources/mxspec} and adds it as a compile source root.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.COMPILE)
public final class GenerateMojo extends AbstractMojo {

    /**
     * The Matrix spec folder: one folder per release ({@code v1.7/data}, ...), or a matrix-spec git
     * repository, whose tags ({@code v1.16}) are the releases, read straight from git.
     */
    @Parameter(property = "mxspec.specDirectory", required = true)
    private File specDirectory;

    /** Release folder names under the spec folder. */
    @Parameter(property = "mxspec.releases", defaultValue = "v1.7")
    private List<String> releases;

    /** What to generate: {@code models}, {@code events}, {@code endpoints}, {@code server}, {@code client}. */
    @Parameter(property = "mxspec.generate", defaultValue = "models,events")
    private List<String> generate;

    /** Which APIs: {@code client-server}, {@code server-server}, {@code application-service}, {@code identity}, {@code push-gateway}; empty for all. */
    @Parameter(property = "mxspec.apis")
    private List<String> apis;

    /** The package everything goes under. */
    @Parameter(property = "mxspec.basePackage", defaultValue = "dev.mxspec.spec")
    private String basePackage;

    /** The per-release package part; by default from the release ({@code v1.7} gives {@code v1_7}). */
    @Parameter(property = "mxspec.releasePackage")
    private String releasePackage;

    /**
     * Spec types to replace by classes of your own, which are then not generated: type name (as
     * generated, for example {@code ClientEvent}) to fully qualified class name.
     */
    @Parameter
    private java.util.Map<String, String> typeMappings;

    /** Where the sources go; added as a compile source root. */
    @Parameter(property = "mxspec.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/mxspec")
    private File outputDirectory;

    /** Skips generation. */
    @Parameter(property = "mxspec.skip", defaultValue = "false")
    private boolean skip;

    /**
     * Fails the build on warnings too (diagnostics that are not errors, and examples of the spec
     * that disagree with their schema without a known erratum), not only on errors.
     */
    @Parameter(property = "mxspec.failOnWarnings", defaultValue = "false")
    private boolean failOnWarnings;

    /** Regenerates even when no input changed. */
    @Parameter(property = "mxspec.force", defaultValue = "false")
    private boolean force;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    private MojoExecution execution;

    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    private PluginDescriptor plugin;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("mxspec: skipped");
            return;
        }
        CodeGeneration.Config config = new CodeGeneration.Config(
                specDirectory.toPath(), releases, outputDirectory.toPath(), basePackage,
                Optional.ofNullable(releasePackage), outputs(), apiKinds(),
                typeMappings == null ? java.util.Map.of() : typeMappings, failOnWarnings);
        checkPrerequisites(config);
        java.nio.file.Path state = java.nio.file.Path.of(project.getBuild().getDirectory(), "mxspec-state",
                execution.getExecutionId() + ".sha256");
        try {
            if (force) {
                java.nio.file.Files.deleteIfExists(state);
            }
            long start = System.nanoTime();
            CodeGeneration.Result result = CodeGeneration.runIfChanged(config, state, plugin.getVersion());
            long ms = (System.nanoTime() - start) / 1_000_000;
            result.warnings().forEach(w -> getLog().warn(w));
            if (!result.warnings().isEmpty()) {
                getLog().warn("mxspec: " + result.warnings().size() + " warning" + (result.warnings().size() == 1 ? "" : "s")
                        + " (set failOnWarnings to make them fatal)");
            }
            if (result.upToDate()) {
                getLog().info("mxspec: " + String.join(", ", releases) + " up to date in " + outputDirectory + " (checked in " + ms + " ms)");
            } else {
                getLog().info("mxspec: " + String.join(", ", releases) + " -> " + outputDirectory + " (" + result.written()
                        + " written, " + result.unchanged() + " unchanged, " + result.deleted() + " removed, in " + ms + " ms)");
            }
        } catch (java.io.IOException e) {
            throw new MojoExecutionException("mxspec: " + e.getMessage(), e);
        } catch (SpecProblems e) {
            e.errors().forEach(line -> getLog().error(line));
            for (String line : e.warnings()) {
                if (failOnWarnings) {
                    getLog().error(line);
                } else {
                    getLog().warn(line);
                }
            }
            getLog().error("mxspec: " + e.errors().size() + " error" + (e.errors().size() == 1 ? "" : "s") + ", "
                    + e.warnings().size() + " warning" + (e.warnings().size() == 1 ? "" : "s"));
            throw new MojoFailureException("mxspec: " + e.getMessage());
        } catch (SpecException e) {
            throw new MojoFailureException("mxspec: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("mxspec: " + e.getMessage());
        }
        project.addCompileSourceRoot(outputDirectory.getPath());
    }

    /** Fails when the asked outputs need code that is neither generated here nor on the compile class path. */
    private void checkPrerequisites(CodeGeneration.Config config) throws MojoFailureException, MojoExecutionException {
        java.util.List<java.net.URL> urls = new java.util.ArrayList<>();
        try {
            for (String element : project.getCompileClasspathElements()) {
                if (!new File(element).getAbsoluteFile().equals(new File(project.getBuild().getOutputDirectory()).getAbsoluteFile())) {
                    urls.add(new File(element).toURI().toURL());
                }
            }
        } catch (org.apache.maven.artifact.DependencyResolutionRequiredException | java.net.MalformedURLException e) {
            throw new MojoExecutionException("mxspec: cannot read the compile class path: " + e.getMessage(), e);
        }
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new), null)) {
            for (String release : releases) {
                String releasePart = Optional.ofNullable(releasePackage).orElse(dev.mxspec.generator.emit.JavaLayout.releasePackage(release));
                Optional<String> missing = dev.mxspec.generator.emit.Prerequisites.missing(config.outputs(), config.apis(), basePackage,
                        releasePart, pkg -> loader.getResource(pkg.replace('.', '/')) != null);
                if (missing.isPresent()) {
                    throw new MojoFailureException("mxspec: " + release + ": " + missing.get());
                }
            }
        } catch (java.io.IOException e) {
            throw new MojoExecutionException("mxspec: " + e.getMessage(), e);
        }
    }

    private Set<Output> outputs() throws MojoFailureException {
        Set<Output> outputs = EnumSet.noneOf(Output.class);
        for (String g : generate) {
            try {
                outputs.add(Output.valueOf(g.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new MojoFailureException("mxspec: unknown <generate> value '" + g + "' (expected models, events, endpoints, server or client)");
            }
        }
        return outputs;
    }

    private Set<ApiKind> apiKinds() throws MojoFailureException {
        if (apis == null || apis.isEmpty()) {
            return EnumSet.allOf(ApiKind.class);
        }
        Set<ApiKind> kinds = EnumSet.noneOf(ApiKind.class);
        for (String a : apis) {
            kinds.add(java.util.Arrays.stream(ApiKind.values()).filter(k -> k.folder().equals(a.strip())).findFirst()
                    .orElseThrow(() -> new MojoFailureException("mxspec: unknown API '" + a
                            + "' (expected client-server, server-server, application-service, identity or push-gateway)")));
        }
        return kinds;
    }
}
