package dev.mxspec.generator.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.changelog.Category;
import dev.mxspec.generator.changelog.Entry;
import dev.mxspec.generator.model.ApiKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Facts checked by hand against the spec files and changelogs. */
class ReleaseDiffTest {

    private static final Map<String, ReleaseDiff> DIFFS = new ConcurrentHashMap<>();

    static ReleaseDiff diff(String from, String to) {
        return DIFFS.computeIfAbsent(from + to, k -> ReleaseDiff.compute(SpecSources.model(from), SpecSources.model(to),
                SpecSources.root().resolve("changelog")));
    }

    @Test
    void fromV14ToV17TheClientServerApiGainsFiveOperationsAndLosesNone() {
        ReleaseDiff diff = diff("v1.4", "v1.7");

        assertThat(subjects(diff, ApiKind.CLIENT_SERVER, ChangeKind.OPERATION_ADDED)).containsExactly(
                "GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event",
                "POST /_matrix/client/v1/appservice/{appserviceId}/ping",
                "POST /_matrix/client/v1/login/get_token",
                "POST /_matrix/media/v1/create",
                "PUT /_matrix/media/v3/upload/{serverName}/{mediaId}");
        assertThat(subjects(diff, ApiKind.CLIENT_SERVER, ChangeKind.OPERATION_REMOVED)).isEmpty();
        assertThat(subjects(diff, ApiKind.APPLICATION_SERVICE, ChangeKind.OPERATION_ADDED)).containsExactly("POST /_matrix/app/v1/ping");
    }

    @Test
    void keysQueryLosesTokenAndTheClarificationExplainsIt() {
        LinkedChange token = find(diff("v1.4", "v1.7"), "POST /_matrix/client/v3/keys/query", "request body: token");

        assertThat(token.change().kind()).isEqualTo(ChangeKind.FIELD_REMOVED);
        assertThat(token.change().client()).isEqualTo(Impact.COMPATIBLE);
        assertThat(token.entries().getFirst()).satisfies(e -> {
            assertThat(e.version()).isEqualTo("v1.7");
            assertThat(e.category()).isEqualTo(Category.SPEC_CLARIFICATIONS);
            assertThat(e.summary()).isEqualTo("Remove fictitious token parameter on /keys/query endpoint.");
        });
    }

    @Test
    void thePusherKindBecomesNullableSoThatPushersCanBeDeleted() {
        LinkedChange kind = find(diff("v1.4", "v1.7"), "POST /_matrix/client/v3/pushers/set", "request body: kind");

        assertThat(kind.change().kind()).isEqualTo(ChangeKind.MADE_NULLABLE);
        assertThat(kind.change().before()).isEqualTo("string");
        assertThat(kind.change().after()).isEqualTo("string?");
        assertThat(kind.change().server()).isEqualTo(Impact.BREAKING);
    }

    @Test
    void theServerKeyEndpointsLoseTheirKeyIdSegmentFiledAsAClarification() {
        ReleaseDiff diff = diff("v1.4", "v1.7");
        List<LinkedChange> moved = diff.changes().stream().filter(c -> c.change().kind() == ChangeKind.OPERATION_MOVED).toList();

        assertThat(moved).extracting(c -> c.change().before() + " -> " + c.change().after()).containsExactly(
                "/_matrix/key/v2/query/{serverName}/{keyId} -> /_matrix/key/v2/query/{serverName}",
                "/_matrix/key/v2/server/{keyId} -> /_matrix/key/v2/server");
        assertThat(moved).allSatisfy(c -> assertThat(c.entries()).anySatisfy(e -> {
            assertThat(e.version()).isEqualTo("v1.7");
            assertThat(e.apiKind()).contains(ApiKind.SERVER_SERVER);
            assertThat(e.category()).isEqualTo(Category.SPEC_CLARIFICATIONS);
            assertThat(e.names()).contains("{key_id}");
        }));
    }

    @Test
    void entriesFiledUnderUnexpectedHeadingsAreStillLinked() {
        ReleaseDiff diff = diff("v1.4", "v1.7");

        Entry timestamp = find(diff, "GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event", "").entries().getFirst();
        assertThat(timestamp.category()).isEqualTo(Category.BACKWARDS_COMPATIBLE_CHANGES);
        assertThat(timestamp.mscs()).containsExactly(3030);

        Entry ping = find(diff, "POST /_matrix/client/v1/appservice/{appserviceId}/ping", "").entries().getFirst();
        assertThat(ping.api()).isEqualTo("Application Service API");
        assertThat(ping.category()).isEqualTo(Category.NEW_ENDPOINTS);
    }

    @Test
    void everyNewEndpointsEntryOfV15ToV17LinksToAnAddedOperation() {
        ReleaseDiff diff = diff("v1.4", "v1.7");
        List<Entry> newEndpoints = diff.changelogs().stream().flatMap(c -> c.entries(Category.NEW_ENDPOINTS).stream()).toList();

        assertThat(newEndpoints).hasSize(5).allSatisfy(e -> assertThat(diff.changes()).anySatisfy(c -> {
            assertThat(c.change().kind()).isEqualTo(ChangeKind.OPERATION_ADDED);
            assertThat(c.entries()).contains(e);
        }));
        assertThat(diff.unfulfilled()).isEmpty();
    }

    @Test
    void fromV13ToV14TheOnlyNewClientServerOperationIsThreadsFiledAsBackwardsCompatible() {
        ReleaseDiff diff = diff("v1.3", "v1.4");

        assertThat(diff.changelogs()).extracting(c -> c.version()).containsExactly("v1.4");
        assertThat(subjects(diff, ApiKind.CLIENT_SERVER, ChangeKind.OPERATION_ADDED))
                .containsExactly("GET /_matrix/client/v1/rooms/{roomId}/threads");
        Entry threads = find(diff, "GET /_matrix/client/v1/rooms/{roomId}/threads", "").entries().getFirst();
        assertThat(threads.category()).isEqualTo(Category.BACKWARDS_COMPATIBLE_CHANGES);
        assertThat(threads.mscs()).contains(3440);
    }

    @Test
    void theRemovedEndpointsEntryOfV14HasNoOperationInTheData() {
        ReleaseDiff diff = diff("v1.3", "v1.4");

        assertThat(diff.unfulfilled()).singleElement().satisfies(e -> {
            assertThat(e.category()).isEqualTo(Category.REMOVED_ENDPOINTS);
            assertThat(e.mscs()).containsExactly(3844);
        });
        assertThat(subjects(diff, ApiKind.CLIENT_SERVER, ChangeKind.OPERATION_REMOVED)).isEmpty();
    }

    @Test
    void generatedCodeImpactNamesClassesMethodsAndComponents() {
        List<CodeChange> code = diff("v1.4", "v1.7").code();

        assertThat(code).contains(
                new CodeChange(CodeChange.Kind.REMOVED, "clientserver.QueryKeysRequest", "token", "Optional<String>", ""),
                new CodeChange(CodeChange.Kind.CHANGED, "clientserver.RefreshRequest", "refreshToken", "Optional<String>", "String"),
                new CodeChange(CodeChange.Kind.ADDED, "clientserver.GenerateLoginTokenResponse", "", "", "class"));
        assertThat(code).filteredOn(c -> c.className().equals("clientserver.server.ContentRepoHandler") && c.member().equals("createContent"))
                .singleElement().satisfies(c -> assertThat(c.breaking()).as("implementations must add the method").isTrue());
        assertThat(code).filteredOn(c -> c.className().equals("clientserver.client.ClientServerClient") && c.member().equals("createContent"))
                .singleElement().satisfies(c -> assertThat(c.breaking()).isFalse());
    }

    @Test
    void acrossTheSwitchToOpenApi3OnlyTheSpecsOwnChangesShowAndTheV18ChangelogExplainsThem() {
        ReleaseDiff diff = diff("v1.7", "v1.8");

        assertThat(diff.changelogs()).extracting(c -> c.version()).containsExactly("v1.8");
        assertThat(find(diff, "POST /_matrix/client/v3/publicRooms", "request body: filter.room_types[]").entries())
                .extracting(Entry::pullRequests).containsExactly(List.of(1564));
        assertThat(find(diff, "POST /_matrix/federation/v1/user/keys/claim", "response 200: one_time_keys{}{}{}").entries())
                .extracting(Entry::pullRequests).containsExactly(List.of(1559));
        // No change of representation: upload bodies (bytes either way), the custom 'fields' query parameters.
        assertThat(diff.changes()).map(c -> c.change().subject())
                .doesNotContain("POST /_matrix/media/v3/upload", "GET /_matrix/app/v1/thirdparty/user/{protocol}");
    }

    @Test
    void aDiffSpanningSeveralReleasesReadsTheChangelogOfEachReleaseBetween() {
        ReleaseDiff diff = diff("v1.4", "v1.16");

        assertThat(diff.changelogs()).extracting(c -> c.version()).containsExactly(
                "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11", "v1.12", "v1.13", "v1.14", "v1.15", "v1.16");
        assertThat(diff.changes()).flatMap(LinkedChange::entries).map(Entry::version)
                .contains("v1.5", "v1.7", "v1.8", "v1.11", "v1.16");
    }

    @Test
    void identicalChangesOnSiblingEndpointsAreExplainedAlike(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("v9.1.md"), """
                ---
                date: 2031-01-01
                ---

                ## v9.1

                ### Client-Server API

                **Spec Clarifications**

                - Allow `null` in `room_types` of [`POST /_matrix/client/v3/publicRooms`](/client-server-api/#post_matrixclientv3publicrooms). ([#1564](https://github.com/matrix-org/matrix-spec/issues/1564))
                """);
        java.util.function.Function<String, Change> nullable = subject -> new Change(ChangeKind.MADE_NULLABLE,
                Optional.of(subject.contains("federation") ? ApiKind.SERVER_SERVER : ApiKind.CLIENT_SERVER), subject,
                "request body: filter.room_types[]", "string", "string?", Impact.COMPATIBLE, Impact.BREAKING,
                List.of("room_types"), Optional.empty());

        List<LinkedChange> linked = ChangelogLinker.link(
                List.of(nullable.apply("POST /_matrix/client/v3/publicRooms"), nullable.apply("POST /_matrix/federation/v1/publicRooms")),
                dev.mxspec.generator.changelog.ChangelogParser.between(dir, "v9.0", "v9.1"));

        assertThat(linked).allSatisfy(l -> assertThat(l.entries()).extracting(Entry::pullRequests).containsExactly(List.of(1564)));
    }

    @Test
    void aReleaseComparedWithItselfHasNoChanges() {
        ReleaseDiff same = ReleaseDiff.compute(SpecSources.model("v1.7"), SpecSources.model("v1.7"), SpecSources.root().resolve("changelog"));

        assertThat(same.changes()).isEmpty();
        assertThat(same.code()).isEmpty();
        assertThat(same.changelogs()).isEmpty();
    }

    private static List<String> subjects(ReleaseDiff diff, ApiKind api, ChangeKind kind) {
        return diff.changes().stream().map(LinkedChange::change)
                .filter(c -> c.api().equals(Optional.of(api)) && c.kind() == kind).map(Change::subject).toList();
    }

    private static LinkedChange find(ReleaseDiff diff, String subject, String location) {
        return diff.changes().stream()
                .filter(c -> c.change().subject().equals(subject) && c.change().location().equals(location))
                .findFirst().orElseThrow(() -> new AssertionError("no change " + subject + " " + location));
    }

}
