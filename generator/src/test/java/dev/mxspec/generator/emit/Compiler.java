package dev.mxspec.generator.emit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles generated sources in-process against the test class path (Jackson, the runtime). */
final class Compiler {

    private Compiler() {}

    /** Compiles every .java file under {@code sources} into {@code classes}; the compiler's output when it fails. */
    static String compile(Path sources, Path classes) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> files;
        try (Stream<Path> s = Files.walk(sources)) {
            files = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted().toList();
            Files.createDirectories(classes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of(
                "--release", "21", "-Xlint:all", "-Xlint:-processing", "-Werror", "-proc:none", "-implicit:none",
                "-classpath", System.getProperty("java.class.path"), "-d", classes.toString()));
        args.addAll(files);
        int code = javac.run(null, out, out, args.toArray(String[]::new));
        return code == 0 ? "" : out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
