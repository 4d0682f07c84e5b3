package dev.mxspec.generator.bench;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.parse.SpecReader;
import dev.mxspec.generator.validate.ExampleCheck;
import dev.mxspec.generator.validate.ReleaseValidator;
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
 * Reading and validating a whole release, warm: every YAML file parsed, every {@code $ref}
 * followed, every type named, every example checked. Run with {@code mvn -P bench -pl generator -am verify}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LoadBenchmark {

    private Path v17;
    private Path newest;

    @Setup
    public void locate() {
        v17 = SpecSources.release("v1.7");
        newest = SpecSources.release(SpecSources.allReleases().getLast());
    }

    /** The newest release (v1.16, OpenAPI 3.1), read and every example checked. */
    @Benchmark
    public ExampleCheck loadAndValidateNewest() {
        return ReleaseValidator.validate(SpecReader.read(newest));
    }

    @Benchmark
    public SpecRelease loadV17() {
        return SpecReader.read(v17);
    }

    @Benchmark
    public ExampleCheck loadAndValidateV17() {
        return ReleaseValidator.validate(SpecReader.read(v17));
    }
}
