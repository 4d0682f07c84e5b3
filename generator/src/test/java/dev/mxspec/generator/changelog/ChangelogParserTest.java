package dev.mxspec.generator.changelog;

import static dev.mxspec.generator.changelog.Category.BACKWARDS_COMPATIBLE_CHANGES;
import static dev.mxspec.generator.changelog.Category.NEW_ENDPOINTS;
import static dev.mxspec.generator.changelog.Category.REMOVED_ENDPOINTS;
import static dev.mxspec.generator.changelog.Category.SPEC_CLARIFICATIONS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.ApiKind;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The published release changelogs v1.1 to v1.7, with facts checked by hand against the files. */
class ChangelogParserTest {

    private static final Path CHANGELOGS = SpecSources.root().resolve("changelog");
    private static final List<String> RELEASES = List.of("v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7");
    private static final String SPEC_ISSUES = "https://github.com/matrix-org/matrix-spec/issues/";

    /** What an entry cites, to compare in one assertion. */
    record Cited(List<Integer> mscs, List<Integer> pullRequests, List<String> endpoints, List<String> paths,
            List<String> names) {

        static Cited of(Entry entry) {
            return new Cited(entry.mscs(), entry.pullRequests(), entry.endpoints(), entry.paths(), entry.names());
        }
    }

    @Test
    void clientServerNewEndpointsOfV17AreTheThreeListed() {
        Changelog v17 = changelog("v1.7");

        assertThat(v17.entries(NEW_ENDPOINTS).stream().filter(e -> e.api().equals("Client-Server API")).toList())
                .containsExactly(
                        new Entry("Client-Server API", Optional.of(ApiKind.CLIENT_SERVER), NEW_ENDPOINTS,
                                "[`POST /_matrix/media/v1/create`](/client-server-api/#post_matrixmediav1create) ([#1499]("
                                        + SPEC_ISSUES + "1499))",
                                "POST /_matrix/media/v1/create", List.of(), List.of(1499),
                                List.of("POST /_matrix/media/v1/create"), List.of(), List.of(), "v1.7", 26),
                        new Entry("Client-Server API", Optional.of(ApiKind.CLIENT_SERVER), NEW_ENDPOINTS,
                                "[`PUT /_matrix/media/v3/upload/{serverName}/{mediaId}`]"
                                        + "(/client-server-api/#put_matrixmediav3uploadservernamemediaid) ([#1499]("
                                        + SPEC_ISSUES + "1499))",
                                "PUT /_matrix/media/v3/upload/{serverName}/{mediaId}", List.of(), List.of(1499),
                                List.of("PUT /_matrix/media/v3/upload/{serverName}/{mediaId}"), List.of(), List.of(),
                                "v1.7", 27),
                        new Entry("Client-Server API", Optional.of(ApiKind.CLIENT_SERVER), NEW_ENDPOINTS,
                                "[`POST /_matrix/client/v1/login/get_token`](/client-server-api/#post_matrixclientv1loginget_token)"
                                        + " ([#1530](" + SPEC_ISSUES + "1530))",
                                "POST /_matrix/client/v1/login/get_token", List.of(), List.of(1530),
                                List.of("POST /_matrix/client/v1/login/get_token"), List.of(), List.of(), "v1.7", 28));
    }

    @Test
    void applicationServiceNewEndpointsOfV17AreThePingsInBothDirections() {
        Changelog v17 = changelog("v1.7");

        assertThat(v17.entries(ApiKind.APPLICATION_SERVICE).stream()
                        .filter(e -> e.category() == NEW_ENDPOINTS)
                        .flatMap(e -> e.endpoints().stream())
                        .toList())
                .containsExactly("POST /_matrix/app/v1/ping", "POST /_matrix/client/v1/appservice/{appserviceId}/ping");
    }

    @Test
    void removingTheFictitiousTokenParameterIsAClientServerClarificationOfKeysQuery() {
        assertThat(entryAt("v1.7", 58)).isEqualTo(new Entry(
                "Client-Server API", Optional.of(ApiKind.CLIENT_SERVER), SPEC_CLARIFICATIONS,
                "Remove fictitious `token` parameter on `/keys/query` endpoint. ([#1485](" + SPEC_ISSUES + "1485))",
                "Remove fictitious token parameter on /keys/query endpoint.",
                List.of(), List.of(1485), List.of(), List.of("/keys/query"), List.of("token"), "v1.7", 58));
    }

    @Test
    void serverServerClarificationNamesTheKeyIdPlaceholderApartFromThePath() {
        assertThat(entryAt("v1.7", 74)).isEqualTo(new Entry(
                "Server-Server API", Optional.of(ApiKind.SERVER_SERVER), SPEC_CLARIFICATIONS,
                "Remove leftover `{key_id}` from `/_matrix/key/v2/server/`. ([#1473](" + SPEC_ISSUES + "1473))",
                "Remove leftover {key_id} from /_matrix/key/v2/server/.",
                List.of(), List.of(1473), List.of(), List.of("/_matrix/key/v2/server/"), List.of("{key_id}"), "v1.7", 74));
    }

    @Test
    void theOnlyIdentityEntryOfV17CitesTheStoreInvitePath() {
        assertThat(changelog("v1.7").entries(ApiKind.IDENTITY)).containsExactly(new Entry(
                "Identity Service API", Optional.of(ApiKind.IDENTITY), SPEC_CLARIFICATIONS,
                "Corrections to the response format of `/_matrix/identity/v2/store-invite`. ([#1486](" + SPEC_ISSUES
                        + "1486))",
                "Corrections to the response format of /_matrix/identity/v2/store-invite.",
                List.of(), List.of(1486), List.of(), List.of("/_matrix/identity/v2/store-invite"), List.of(), "v1.7", 106));
    }

    @Test
    void anEntryCitingTwoMscsKeepsBothInWrittenOrder() {
        assertThat(entryAt("v1.7", 35)).isEqualTo(new Entry(
                "Client-Server API", Optional.of(ApiKind.CLIENT_SERVER), BACKWARDS_COMPATIBLE_CHANGES,
                "Add new push rule conditions `event_property_is` and `event_property_contains`, as per "
                        + "[MSC3758](https://github.com/matrix-org/matrix-spec-proposals/pull/3758) and "
                        + "[MSC3966](https://github.com/matrix-org/matrix-spec-proposals/pull/3966). ([#1464]("
                        + SPEC_ISSUES + "1464))",
                "Add new push rule conditions event_property_is and event_property_contains, as per MSC3758 and MSC3966.",
                List.of(3758, 3966), List.of(1464), List.of(), List.of(),
                List.of("event_property_is", "event_property_contains"), "v1.7", 35));
    }

    @Test
    void theRemovedEndpointsEntryOfV14NamesNoEndpointAtAll() {
        assertThat(changelog("v1.4").entries(REMOVED_ENDPOINTS)).containsExactly(new Entry(
                "Client-Server API", Optional.of(ApiKind.CLIENT_SERVER), REMOVED_ENDPOINTS,
                "Remove unused policy room sharing mechanism, as per "
                        + "[MSC3844](https://github.com/matrix-org/matrix-spec-proposals/pull/3844). ([#1196]("
                        + SPEC_ISSUES + "1196))",
                "Remove unused policy room sharing mechanism, as per MSC3844.",
                List.of(3844), List.of(1196), List.of(), List.of(), List.of(), "v1.4", 26));
    }

    @Test
    void threadEntriesOfV14KeepTheirMscsInWrittenOrderNotSorted() {
        Changelog v14 = changelog("v1.4");

        assertThat(cited(v14, 40, 41, 42, 67)).isEqualTo(Map.of(
                40, new Cited(List.of(3440, 3816, 3856, 3715), List.of(1254), List.of(), List.of(), List.of("m.thread")),
                41, new Cited(List.of(3771, 3773), List.of(1255), List.of(), List.of(), List.of()),
                42, new Cited(List.of(3771), List.of(1261), List.of(), List.of("/receipt"), List.of("thread_id")),
                67, new Cited(List.of(3771, 3773), List.of(1255), List.of(), List.of(), List.of())));
        assertThat(Stream.of(41, 67).map(line -> entryAt(v14, line).api()).toList())
                .containsExactly("Client-Server API", "Server-Server API");
    }

    @Test
    void timestampToEventPathsKeepTheirAngleBracketPlaceholders() {
        Changelog v16 = changelog("v1.6");

        assertThat(cited(v16, 27, 61)).isEqualTo(Map.of(
                27, new Cited(List.of(3030), List.of(1366), List.of(), List.of("/rooms/<roomID>/timestamp_to_event"), List.of()),
                61, new Cited(List.of(3030), List.of(1366), List.of(), List.of("/timestamp_to_event/<roomID>"), List.of())));
        assertThat(Stream.of(27, 61).map(line -> entryAt(v16, line).apiKind().orElseThrow()).toList())
                .containsExactly(ApiKind.CLIENT_SERVER, ApiKind.SERVER_SERVER);
    }

    @Test
    void endpointsAreKeptAsWrittenWithRelativePathsOrWithoutLeadingSlash() {
        assertThat(cited(changelog("v1.6"), 70)).isEqualTo(Map.of(
                70, new Cited(List.of(), List.of(1351), List.of("POST _matrix/federation/v1/user/keys/claim"), List.of(),
                        List.of())));
        assertThat(cited(changelog("v1.1"), 40, 125)).isEqualTo(Map.of(
                40, new Cited(List.of(1756), List.of(2536),
                        List.of("POST /keys/device_signing/upload", "POST /keys/signatures/upload"), List.of(), List.of()),
                125, new Cited(List.of(1756), List.of(2536), List.of("GET /user/keys", "GET /user/devices/{userId}"),
                        List.of(), List.of("m.device_list_update", "m.signing_key_update"))));
    }

    @Test
    void newEndpointsWrittenAsProseYieldTheirEndpointsOrPaths() {
        assertThat(cited(changelog("v1.1"), 39, 41, 42, 119)).isEqualTo(Map.of(
                39, new Cited(List.of(1219), List.of(2387, 2639), List.of(), List.of("/room_keys/*"), List.of()),
                41, new Cited(List.of(2403), List.of(3154), List.of(), List.of("/knock"), List.of()),
                42, new Cited(List.of(2858), List.of(3163), List.of(), List.of("/login/sso/redirect/{idpId}"), List.of()),
                119, new Cited(List.of(2403), List.of(3154), List.of(), List.of("/make_knock", "/send_knock"), List.of())));
        assertThat(cited(changelog("v1.2"), 33, 34)).isEqualTo(Map.of(
                33, new Cited(List.of(2946), List.of(3610), List.of("GET /_matrix/client/v1/rooms/{roomId}/hierarchy"),
                        List.of(), List.of()),
                34, new Cited(List.of(3231), List.of(3616), List.of(),
                        List.of("/_matrix/client/v1/register/m.login.registration_token/validity"), List.of())));
    }

    @Test
    void summaryIsPlainTextWithoutTheTrailingPullRequestList() {
        assertThat(summaries("v1.7", 34, 62)).isEqualTo(Map.of(
                34, "Changes to the server-side aggregation of m.replace (edit) events, as per MSC3925.",
                62, "Clarify m.location scheme by partially reverting f1f32d3. Contributed by @HarHarLinks."));
        assertThat(summaries("v1.6", 36)).isEqualTo(Map.of(
                36, "Clarify what fields are required when deleting a pusher"));
        assertThat(summaries("v1.3", 50, 75)).isEqualTo(Map.of(
                50, "Clarify that state keys starting with @ are in fact reserved. Regressed from #3658.",
                75, "Clarify that checks on PDUs should refer to the state before an event."));
        assertThat(summaries("v1.4", 56)).isEqualTo(Map.of(
                56, "Clarify that the \"device_id\", \"user_id\" and \"access_token\" fields are required in the response "
                        + "body of POST /_matrix/client/v3/login."));
    }

    @Test
    void pullRequestsIncludeLinksInTheTextAndLinksIntoOtherRepositories() {
        Changelog v13 = changelog("v1.3");

        assertThat(entryAt(v13, 50).pullRequests()).containsExactly(3658, 1100);
        assertThat(entryAt(v13, 49).pullRequests())
                .containsExactly(1051, 1054, 1059, 1081, 1097, 1110, 1115, 1126, 1127, 1128, 1129, 3681, 3708);
    }

    @Test
    void entriesOfV17PerCategoryAndSectionMatchAHandCount() {
        // awk '/^### /{s=$0} /^<strong>/{c=$0} /^- /{print s" | "c}' changelog/v1.7.md | sort | uniq -c
        Changelog v17 = changelog("v1.7");

        Map<Category, Integer> perCategory = new EnumMap<>(Category.class);
        Arrays.stream(Category.values()).forEach(c -> perCategory.put(c, v17.entries(c).size()));
        assertThat(perCategory).isEqualTo(Map.of(
                NEW_ENDPOINTS, 5, REMOVED_ENDPOINTS, 0, Category.BREAKING_CHANGES, 0, Category.DEPRECATIONS, 0,
                BACKWARDS_COMPATIBLE_CHANGES, 10, SPEC_CLARIFICATIONS, 33));
        Map<String, Long> perSection =
                v17.entries().stream().collect(Collectors.groupingBy(Entry::api, LinkedHashMap::new, Collectors.counting()));
        assertThat(perSection).containsExactly(
                        Map.entry("Client-Server API", 28L),
                        Map.entry("Server-Server API", 4L),
                        Map.entry("Application Service API", 4L),
                        Map.entry("Identity Service API", 1L),
                        Map.entry("Room Versions", 1L),
                        Map.entry("Appendices", 3L),
                        Map.entry("Internal Changes/Tooling", 7L));
    }

    @Test
    void everyBulletOfEveryReleaseIsAnEntry() {
        // grep -c '^- ' changelog/*.md
        assertThat(perRelease(c -> c.entries().size())).isEqualTo(Map.of(
                "v1.1", 75, "v1.2", 46, "v1.3", 43, "v1.4", 40, "v1.5", 32, "v1.6", 36, "v1.7", 48));
    }

    /** v1.8 to v1.16: {@code **Category**} headings, and from v1.12 {@code ## API} sections with the version in the front matter. */
    private static final List<String> LATER_RELEASES = List.of("v1.8", "v1.9", "v1.10", "v1.11", "v1.12", "v1.13", "v1.14", "v1.15", "v1.16");

    @Test
    void laterChangelogsAreReadWholeWithTheirVersionAndEveryBullet() {
        // grep -c '^- ' changelog/*.md
        assertThat(LATER_RELEASES.stream().collect(Collectors.toMap(Function.identity(), v -> changelog(v).entries().size())))
                .isEqualTo(Map.of("v1.8", 42, "v1.9", 25, "v1.10", 36, "v1.11", 84, "v1.12", 44, "v1.13", 43, "v1.14", 30,
                        "v1.15", 34, "v1.16", 34));
        assertThat(LATER_RELEASES.stream().collect(Collectors.toMap(Function.identity(), v -> changelog(v).unparsed())))
                .isEqualTo(LATER_RELEASES.stream().collect(Collectors.toMap(Function.identity(), v -> List.of())));
        assertThat(LATER_RELEASES.stream().map(v -> changelog(v).version()).toList()).isEqualTo(LATER_RELEASES);
    }

    @Test
    void noLineOfThePublishedChangelogsIsLeftUnparsed() {
        assertThat(perRelease(Changelog::unparsed))
                .isEqualTo(RELEASES.stream().collect(Collectors.toMap(Function.identity(), v -> List.of())));
    }

    @Test
    void releaseDatesComeFromTheFrontMatter() {
        assertThat(perRelease(Changelog::date)).isEqualTo(Map.of(
                "v1.1", LocalDate.of(2021, 11, 9),
                "v1.2", LocalDate.of(2022, 2, 2),
                "v1.3", LocalDate.of(2022, 6, 15),
                "v1.4", LocalDate.of(2022, 9, 29),
                "v1.5", LocalDate.of(2022, 11, 17),
                "v1.6", LocalDate.of(2023, 2, 14),
                "v1.7", LocalDate.of(2023, 5, 25)));
    }

    @Test
    void sectionsWithEntriesDifferBetweenReleases() {
        assertThat(perRelease(c -> c.entries().stream().map(Entry::api).distinct().toList())).isEqualTo(Map.of(
                "v1.1", List.of("Client-Server API", "Server-Server API", "Application Service API", "Identity Service API",
                        "Push Gateway API"),
                "v1.2", List.of("Client-Server API", "Server-Server API", "Application Service API", "Identity Service API",
                        "Push Gateway API", "Room Versions", "Appendices"),
                "v1.3", List.of("Client-Server API", "Server-Server API", "Application Service API", "Room Versions"),
                "v1.4", List.of("Client-Server API", "Server-Server API", "Application Service API", "Identity Service API",
                        "Push Gateway API", "Room Versions", "Internal Changes/Tooling"),
                "v1.5", List.of("Client-Server API", "Server-Server API", "Application Service API", "Identity Service API",
                        "Room Versions", "Internal Changes/Tooling"),
                "v1.6", List.of("Client-Server API", "Server-Server API", "Application Service API", "Identity Service API",
                        "Push Gateway API", "Room Versions", "Internal Changes/Tooling"),
                "v1.7", List.of("Client-Server API", "Server-Server API", "Application Service API", "Identity Service API",
                        "Room Versions", "Appendices", "Internal Changes/Tooling")));
    }

    @Test
    void sectionsThatAreNotAnApiHaveNoApiKind() {
        Changelog v17 = changelog("v1.7");

        assertThat(v17.entries().stream().filter(e -> e.apiKind().isEmpty()).map(Entry::api).distinct().toList())
                .containsExactly("Room Versions", "Appendices", "Internal Changes/Tooling");
        assertThat(Arrays.stream(ApiKind.values()).map(api -> v17.entries(api).size()).toList())
                .containsExactly(28, 4, 4, 1, 0);
    }

    @Test
    void betweenGivesTheReleasesAfterTheFirstUpToTheLast() {
        assertThat(ChangelogParser.between(CHANGELOGS, "v1.4", "v1.7").stream().map(Changelog::version).toList())
                .containsExactly("v1.5", "v1.6", "v1.7");
        assertThat(ChangelogParser.between(CHANGELOGS, "v1.7", "v1.7")).isEmpty();
    }

    @Test
    void categoriesAreFoundByTheirHeading() {
        assertThat(Arrays.stream(Category.values()).map(c -> Category.ofTitle(c.title())).toList())
                .containsExactlyElementsOf(Arrays.stream(Category.values()).map(Optional::of).toList());
        assertThat(Category.ofTitle("Security Fixes")).isEmpty();
    }

    private static Changelog changelog(String version) {
        return ChangelogParser.parse(CHANGELOGS.resolve(version + ".md"));
    }

    private static Entry entryAt(String version, int line) {
        return entryAt(changelog(version), line);
    }

    private static Entry entryAt(Changelog changelog, int line) {
        return changelog.entries().stream().filter(e -> e.line() == line).findFirst().orElseThrow();
    }

    private static Map<Integer, Cited> cited(Changelog changelog, Integer... lines) {
        return Arrays.stream(lines).collect(Collectors.toMap(Function.identity(), line -> Cited.of(entryAt(changelog, line))));
    }

    private static Map<Integer, String> summaries(String version, Integer... lines) {
        Changelog changelog = changelog(version);
        return Arrays.stream(lines).collect(Collectors.toMap(Function.identity(), line -> entryAt(changelog, line).summary()));
    }

    private static <T> Map<String, T> perRelease(Function<Changelog, T> property) {
        return RELEASES.stream().collect(Collectors.toMap(Function.identity(), v -> property.apply(changelog(v))));
    }
}
