package dev.mxspec.generator.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.SpecRelease;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class ReleaseLoadingTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @ParameterizedTest
    @MethodSource("dev.mxspec.generator.SpecSources#allReleases")
    void everyReleaseLoadsWithoutErrors(String version) {
        SpecRelease release = SpecSources.model(version);

        assertThat(release.version()).isEqualTo(version);
        assertThat(release.apis()).extracting(a -> a.kind()).containsExactly(ApiKind.values());
        assertThat(release.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dev.mxspec.generator.SpecSources#allReleases")
    void operationCountsMatchAnIndependentWalkOfTheYaml(String version) throws IOException {
        SpecRelease release = SpecSources.model(version);
        Map<String, Integer> modelled = new LinkedHashMap<>();
        release.apis().forEach(a -> modelled.put(a.kind().folder(), a.operations().size()));

        assertThat(modelled).isEqualTo(countByWalkingYaml(SpecSources.release(version)));
    }

    @org.junit.jupiter.api.Test
    void operationCountsAreThePublishedOnes() {
        assertThat(counts(SpecSources.model("v1.7"))).containsExactly(150, 35, 9, 23, 1);
        assertThat(counts(SpecSources.model("v1.4"))).containsExactly(145, 34, 8, 23, 1);
        assertThat(counts(SpecSources.model("v1.16"))).containsExactly(160, 37, 9, 23, 1);
    }

    @org.junit.jupiter.api.Test
    void openApi3ReleasesKeepTheServersBasePathTheirBodiesAndTypedResponses() {
        SpecRelease v116 = SpecSources.model("v1.16");

        dev.mxspec.generator.model.Operation sync = v116.operation("GET", "/_matrix/client/v3/sync").orElseThrow();
        assertThat(sync.response(200).orElseThrow().type()).contains(new dev.mxspec.generator.model.TypeRef.Named("SyncResponse"));
        assertThat(sync.security().map(s -> s.scheme())).contains("accessTokenQuery");
        dev.mxspec.generator.model.Operation createRoom = v116.operation("POST", "/_matrix/client/v3/createRoom").orElseThrow();
        assertThat(createRoom.body().map(b -> b.type())).contains(new dev.mxspec.generator.model.TypeRef.Named("CreateRoomRequest"));
        assertThat(createRoom.body().orElseThrow().required()).isTrue();
        dev.mxspec.generator.model.Operation upload = v116.operation("POST", "/_matrix/media/v3/upload").orElseThrow();
        assertThat(upload.binaryBody()).isTrue();
        assertThat(upload.consumes()).containsExactly("application/octet-stream");
        dev.mxspec.generator.model.Operation thumbnail = v116.operation("GET",
                "/_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}").orElseThrow();
        assertThat(thumbnail.response(200).orElseThrow().type()).contains(new dev.mxspec.generator.model.TypeRef.Binary());
        assertThat(thumbnail.pathParams()).extracting(f -> f.name()).containsExactly("serverName", "mediaId");
    }

    @org.junit.jupiter.api.Test
    void typeNamesAndOperationIdsStayTheSameAcrossTheSwitchToOpenApi3() {
        SpecRelease v17 = SpecSources.model("v1.7");
        SpecRelease v18 = SpecSources.model("v1.8");

        // The only new names are unions the spec made: v1.8 writes the federation v1 responses
        // [200, {...}] as arrays of items of either shape, where v1.7 had tuples, and lets the
        // federation claim's one-time keys be strings again, as up to v1.5.
        java.util.Set<String> added = new java.util.TreeSet<>(v18.types().keySet());
        added.removeAll(v17.types().keySet());
        assertThat(v17.types().keySet()).isSubsetOf(v18.types().keySet());
        assertThat(added).containsExactly("ClaimUserEncryptionKeysResponseOneTimeKeys", "SendInviteV1Response", "SendJoinV1Response",
                "SendLeaveV1Response");
        assertThat(added).allSatisfy(name -> assertThat(v18.types().get(name))
                .isInstanceOf(dev.mxspec.generator.model.NamedType.UnionType.class));
        assertThat(v18.operations().stream().map(o -> o.key() + " " + o.operationId()).toList())
                .isEqualTo(v17.operations().stream().map(o -> o.key() + " " + o.operationId()).toList());
    }

    @org.junit.jupiter.api.Test
    void readingTwiceGivesAnEqualModel() {
        SpecRelease first = SpecReader.read(SpecSources.release("v1.7"));
        SpecRelease second = SpecReader.read(SpecSources.release("v1.7"));

        assertThat(second).isEqualTo(first);
    }

    private static List<Integer> counts(SpecRelease release) {
        return release.apis().stream().map(a -> a.operations().size()).toList();
    }

    /** Counts (path, method) pairs with a plain YAML load, sharing no code with the reader. */
    private static Map<String, Integer> countByWalkingYaml(Path data) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ApiKind kind : ApiKind.values()) {
            int count = 0;
            try (Stream<Path> files = Files.list(data.resolve("api").resolve(kind.folder()))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    try (Reader reader = Files.newBufferedReader(file)) {
                        Map<?, ?> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
                        if (doc.get("paths") instanceof Map<?, ?> paths) {
                            for (Object methods : paths.values()) {
                                for (Object method : ((Map<?, ?>) methods).keySet()) {
                                    if (METHODS.contains(method.toString())) {
                                        count++;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            counts.put(kind.folder(), count);
        }
        return counts;
    }
}
