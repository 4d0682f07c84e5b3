package dev.mxspec.generator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import dev.mxspec.generator.diff.ReleaseDiff;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a release diff as {@code diff.md}, {@code diff.html} (Mustache templates from the
 * {@code templates} module, on the classpath under {@code mxspec/templates}) and {@code diff.json}.
 */
public final class DiffReportWriter {

    private static final MustacheFactory MUSTACHE = new DefaultMustacheFactory("mxspec/templates");

    private DiffReportWriter() {}

    /** Writes the three reports into {@code dir}; returns their paths. */
    public static List<Path> write(ReleaseDiff diff, Path dir) {
        DiffView view = DiffView.of(diff);
        try {
            Files.createDirectories(dir);
            Path md = dir.resolve("diff.md");
            Path html = dir.resolve("diff.html");
            Path json = dir.resolve("diff.json");
            Files.writeString(md, render("diff.md.mustache", view), StandardCharsets.UTF_8);
            Files.writeString(html, render("diff.html.mustache", view), StandardCharsets.UTF_8);
            Files.writeString(json, json(view), StandardCharsets.UTF_8);
            return List.of(md, html, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String render(String template, Object view) {
        Mustache mustache = MUSTACHE.compile(template);
        Writer out = new StringWriter();
        mustache.execute(out, view);
        return out.toString();
    }

    static String json(DiffView view) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(view) + "\n";
    }
}
