package dev.mxspec.generator.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.CanonicalJson;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.Example;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.validate.Errata;
import dev.mxspec.generator.validate.Mismatch;
import dev.mxspec.generator.validate.ReleaseValidator;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every response example with a JSON body, every request example and every file of
 * {@code event-schemas/examples} is read into the generated types and written back, equal as
 * canonical JSON. Examples the spec gets wrong by leaving out a required field (known errata) must
 * be refused instead.
 */
class RoundTripTest {

    record Case(String subject, Example example, TypeRef type) {}

    @ParameterizedTest
    @MethodSource("releases")
    void everyExampleSurvivesAReadAndAWrite(String version) {
        CompiledRelease compiled = CompiledRelease.of(version);
        Set<String> missingRequired = ReleaseValidator.validate(compiled.release, Errata.bundled()).mismatches().stream()
                .filter(Mismatch::known).filter(m -> m.message().contains("required field"))
                .map(m -> m.source().toString()).collect(Collectors.toSet());
        List<String> failures = new ArrayList<>();
        int exact = 0;
        int refused = 0;
        for (Case c : cases(compiled)) {
            String original = c.example().json();
            if (missingRequired.contains(c.example().source().toString())) {
                assertThatThrownBy(() -> MatrixJson.mapper().readValue(original, compiled.javaType(c.type())))
                        .as(c.subject()).hasMessageContaining("required field");
                refused++;
                continue;
            }
            try {
                Object value = MatrixJson.mapper().readValue(original, compiled.javaType(c.type()));
                JsonNode written = MatrixJson.mapper().readTree(MatrixJson.write(value));
                String back = CanonicalJson.write(written);
                if (back.equals(original)) {
                    exact++;
                } else {
                    failures.add(c.subject() + " at " + c.example().source() + "\n  in:  " + original + "\n  out: " + back);
                }
            } catch (Exception e) {
                failures.add(c.subject() + " at " + c.example().source() + ": " + e.getMessage());
            }
        }
        assertThat(failures).isEmpty();
        assertThat(exact).isGreaterThan(200);
        assertThat(refused).isEqualTo(missingRequired.stream().filter(s -> cases(compiled).stream()
                .anyMatch(c -> c.example().source().toString().equals(s))).count());
    }

    static List<String> releases() {
        return CompiledRelease.RELEASES;
    }

    static List<Case> cases(CompiledRelease compiled) {
        List<Case> cases = new ArrayList<>();
        for (Operation op : compiled.release.operations()) {
            op.body().ifPresent(b -> {
                if (!op.binaryBody()) {
                    b.examples().forEach(e -> cases.add(new Case("request of " + op.key(), e, b.type())));
                }
            });
            for (Operation.Response r : op.responses()) {
                r.type().filter(t -> !(t instanceof TypeRef.Binary)).ifPresent(t ->
                        r.examples().forEach(e -> cases.add(new Case("response " + r.code() + " of " + op.key(), e, t))));
            }
        }
        for (EventSchema event : compiled.release.events()) {
            event.examples().forEach(e -> cases.add(new Case("event " + event.file(), e, new TypeRef.Named(event.typeName()))));
        }
        compiled.release.sharedExamples().stream()
                .filter(e -> e.example().source().file().startsWith("event-schemas/examples/"))
                .forEach(e -> cases.add(new Case("example " + e.example().source().file(), e.example(), e.type())));
        return cases;
    }
}
