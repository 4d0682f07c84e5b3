package dev.mxspec.generator.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.SpecRelease;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TypeNamingTest {

    /** Names a tool makes up when it has no better idea: Event1, Sync200Response, ...Inner, ...Object2. */
    private static final Pattern MADE_UP = Pattern.compile(".*([0-9]{3}.*|(?<![Vv0-9])[0-9]+(Response)?|Inner)");

    @ParameterizedTest
    @ValueSource(strings = {"v1.3", "v1.4", "v1.5", "v1.6", "v1.7"})
    void everyTypeHasAHumanJavaName(String version) {
        SpecRelease release = SpecSources.model(version);

        assertThat(release.types().keySet()).allSatisfy(name -> {
            assertThat(SourceVersion.isName(name)).as(name).isTrue();
            assertThat(Character.isUpperCase(name.charAt(0))).as(name).isTrue();
            assertThat(MADE_UP.matcher(name).matches()).as(name + " looks numbered").isFalse();
        });
        assertThat(release.types().values()).allSatisfy(t -> assertThat(t.name()).doesNotContain("\u0000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.3", "v1.4", "v1.5", "v1.6"})
    void theSameSchemaHasTheSameNameInLaterReleases(String version) {
        // Every type of an earlier release is still there in v1.7 under the same name, and names come
        // from the same places. The one type the spec removed: v1.6 made the federation claim's
        // one-time keys key objects only, where they had been a string or a key object.
        Set<String> later = SpecSources.model("v1.7").types().keySet();
        Set<String> earlier = new java.util.TreeSet<>(SpecSources.model(version).types().keySet());
        earlier.remove("ClaimUserEncryptionKeysResponseOneTimeKeys");

        assertThat(later).containsAll(earlier);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.4", "v1.7"})
    void namesComeFromTitlesFilesEventTypesAndPlaces(String version) {
        SpecRelease release = SpecSources.model(version);

        assertThat(release.type("ClientEvent")).isPresent();                 // title
        assertThat(release.type("RoomEventFilter")).isPresent();             // title
        assertThat(release.type("RoomMemberEvent")).isPresent();             // event type
        assertThat(release.type("RoomMessageTextEventContent")).isPresent(); // event type + content
        assertThat(release.type("SyncResponse")).isPresent();                // operationId + response
        assertThat(release.type("CreateRoomRequest")).isPresent();           // operationId + request
        assertThat(release.type("ThirdPartyIdentifier")).isPresent();
        assertThat(release.types().values()).filteredOn(NamedType.EnumType.class::isInstance)
                .extracting(NamedType::name).contains("RoomMemberEventContentMembership");
    }
}
