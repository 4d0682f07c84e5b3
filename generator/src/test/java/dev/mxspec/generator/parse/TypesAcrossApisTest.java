package dev.mxspec.generator.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client-server API and the others are read side by side; what they share is still one type. */
class TypesAcrossApisTest {

    @ParameterizedTest
    @ValueSource(strings = {"v1.7", "v1.16"})
    void aSchemaUsedByTwoApisIsOneType(String version) {
        SpecRelease release = SpecSources.model(version);

        assertThat(success(release, ApiKind.CLIENT_SERVER, "queryLocationByAlias"))
                .isEqualTo(success(release, ApiKind.APPLICATION_SERVICE, "queryLocationByAlias"))
                .isEqualTo(Optional.of(new TypeRef.ArrayOf(new TypeRef.Named("Location"))));
        assertThat(release.api(ApiKind.SERVER_SERVER).orElseThrow().operations()).filteredOn(o -> o.operationId().equals("queryPublicRooms"))
                .singleElement().extracting(o -> o.body().orElseThrow().type())
                .isEqualTo(release.api(ApiKind.CLIENT_SERVER).orElseThrow().operations().stream()
                        .filter(o -> o.operationId().equals("queryPublicRooms")).findFirst().orElseThrow().body().orElseThrow().type())
                .isEqualTo(new TypeRef.Named("QueryPublicRoomsRequest"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.7", "v1.16"})
    void readingTwiceGivesTheSameModel(String version) {
        assertThat(SpecReader.read(SpecSources.release(version))).isEqualTo(SpecReader.read(SpecSources.release(version)));
    }

    private static Optional<TypeRef> success(SpecRelease release, ApiKind api, String operationId) {
        Operation op = release.api(api).orElseThrow().operations().stream()
                .filter(o -> o.operationId().equals(operationId)).findFirst().orElseThrow();
        return op.responses().stream().filter(r -> r.status() == 200).findFirst().orElseThrow().type();
    }
}
