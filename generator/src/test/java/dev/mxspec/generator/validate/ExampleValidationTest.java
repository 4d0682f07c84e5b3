package dev.mxspec.generator.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.SpecRelease;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExampleValidationTest {

    @ParameterizedTest
    @MethodSource("dev.mxspec.generator.SpecSources#allReleases")
    void everyShippedExampleConformsOrIsAKnownErratum(String version) {
        ExampleCheck check = ReleaseValidator.validate(SpecSources.model(version));

        assertThat(check.unexpected()).isEmpty();
        assertThat(check.checked()).isGreaterThan(900);
    }

    @ParameterizedTest
    @MethodSource("dev.mxspec.generator.SpecSources#allReleases")
    void everyErratumStillHappens(String version) {
        ExampleCheck check = ReleaseValidator.validate(SpecSources.model(version));
        List<String> seen = check.mismatches().stream().map(m -> m.source() + " " + m.message()).toList();

        assertThat(Errata.bundled().entries()).filteredOn(e -> e.release().equals(version) && !e.warning())
                .allSatisfy(e -> assertThat(seen).contains(e.at() + " " + e.problem()))
                .allSatisfy(e -> assertThat(e.reason()).isNotBlank());
    }

    @ParameterizedTest
    @MethodSource("dev.mxspec.generator.SpecSources#allReleases")
    void everyReaderWarningIsAKnownErratumWithItsReasonAndEveryWarningErratumStillHappens(String version) {
        SpecRelease release = SpecSources.model(version);
        List<dev.mxspec.generator.model.Diagnostic> warnings = release.diagnostics().stream()
                .filter(d -> d.severity() == dev.mxspec.generator.model.Diagnostic.Severity.WARNING).toList();

        assertThat(warnings).filteredOn(w -> Errata.bundled().warningReason(version, w).isEmpty()).isEmpty();
        assertThat(Errata.bundled().entries()).filteredOn(e -> e.release().equals(version) && e.warning())
                .allSatisfy(e -> assertThat(warnings).extracting(w -> w.source() + " " + w.message()).contains(e.at() + " " + e.problem()))
                .allSatisfy(e -> assertThat(e.reason()).isNotBlank());
    }

    @Test
    void everyEventExampleFileIsChecked() throws Exception {
        SpecRelease v17 = SpecSources.model("v1.7");
        long files;
        try (var s = java.nio.file.Files.walk(SpecSources.release("v1.7").resolve("event-schemas/examples"))) {
            files = s.filter(java.nio.file.Files::isRegularFile).count();
        }
        long modelled = v17.events().stream().mapToLong(e -> e.examples().size()).sum()
                + v17.sharedExamples().stream().filter(e -> e.example().source().file().startsWith("event-schemas/examples/")).count();

        assertThat(modelled).isEqualTo(files);
    }

    @Test
    void withoutErrataTheSpecsOwnMistakesAreReported() {
        ExampleCheck check = ReleaseValidator.validate(SpecSources.model("v1.7"), Errata.none());

        assertThat(check.unexpected()).extracting(m -> m.source().toString()).containsExactly(
                "api/application-service/definitions/protocol_metadata.yaml:18",
                "api/client-server/list_public_rooms.yaml:225",
                "api/client-server/old_sync.yaml:128",
                "api/client-server/peeking_events.yaml:70",
                "api/client-server/pushrules.yaml:513",
                "api/identity/v2_terms.yaml:140",
                "api/server-server/definitions/keys.yaml:36",
                "api/server-server/definitions/keys.yaml:59",
                "api/server-server/public_rooms.yaml:137");
    }
}
