package dev.mxspec.generator.bench;

import com.palantir.javapoet.JavaFile;
import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.emit.GenerateOptions;
import dev.mxspec.generator.emit.JavaGenerator;
import dev.mxspec.generator.parse.SpecReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading v1.7 and rendering all of its Java (five APIs: models, events, endpoints, server stubs,
 * clients), warm, in memory. {@code mvn -P bench -pl generator -am verify -Dbench.include=GenerateBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GenerateBenchmark {

    private Path v17;
    private Path newest;

    @Setup
    public void locate() {
        v17 = SpecSources.release("v1.7");
        newest = SpecSources.release(SpecSources.allReleases().getLast());
    }

    /** The newest release (v1.16): read, and render all of its Java. */
    @Benchmark
    public long generateAllOfNewest() {
        String version = SpecSources.allReleases().getLast();
        JavaGenerator generator = new JavaGenerator(SpecReader.read(newest),
                GenerateOptions.all("dev.mxspec.spec", dev.mxspec.generator.emit.JavaLayout.releasePackage(version)));
        long chars = 0;
        for (JavaFile file : generator.files()) {
            chars += file.toString().length();
        }
        return chars;
    }

    @Benchmark
    public long generateAllOfV17() {
        JavaGenerator generator = new JavaGenerator(SpecReader.read(v17), GenerateOptions.all("dev.mxspec.spec", "v1_7"));
        long chars = 0;
        for (JavaFile file : generator.files()) {
            chars += file.toString().length();
        }
        return chars;
    }
}
