package dev.mxspec.generator.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.EventKind;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.NamedType.ObjectType;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.model.TypeRef.PrimitiveKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelFidelityTest {

    private final SpecRelease v17 = SpecSources.model("v1.7");

    @Test
    void operationsKeepTheirFullPath() {
        assertThat(v17.operation("POST", "/_matrix/media/v1/create")).map(Operation::operationId).contains("createContent");
        assertThat(v17.operation("POST", "/_matrix/client/v1/login/get_token")).map(Operation::operationId).contains("generateLoginToken");
        assertThat(v17.operation("GET", "/.well-known/matrix/client")).map(Operation::operationId).contains("getWellknown");
        assertThat(v17.operation("POST", "/_matrix/app/v1/ping")).isPresent();
    }

    @Test
    void requestFieldsSitInPathQueryHeaderOrBody() {
        Operation send = op("PUT", "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}");

        assertThat(send.pathParams()).extracting(Field::name).containsExactly("roomId", "eventType", "txnId");
        assertThat(send.pathParams()).allSatisfy(f -> assertThat(f.required()).isTrue());
        assertThat(send.queryParams()).isEmpty();
        assertThat(send.body()).map(Operation.Body::type).contains(TypeRef.anyObject());
        assertThat(send.pathParams().getFirst().examples()).extracting(e -> e.json()).containsExactly("\"!636q39766251:example.com\"");
    }

    @Test
    void securityAndRateLimitingAreKept() {
        Operation create = op("POST", "/_matrix/media/v1/create");
        assertThat(create.security()).map(Operation.Security::scheme).contains("accessToken");
        assertThat(create.security()).map(Operation.Security::in).contains("query");
        assertThat(create.rateLimited()).isTrue();
        assertThat(create.versions().addedIn()).contains("1.7");

        Operation wellKnown = op("GET", "/.well-known/matrix/client");
        assertThat(wellKnown.security()).isEmpty();
        assertThat(wellKnown.rateLimited()).isFalse();

        // securityDefinitions written as {$ref: ...}, in another API
        Operation transactions = op("PUT", "/_matrix/app/v1/transactions/{txnId}");
        assertThat(transactions.security()).map(Operation.Security::scheme).contains("homeserverAccessToken");
        assertThat(transactions.security()).map(Operation.Security::in).contains("header");
    }

    @Test
    void allOfOverridingAPropertyKeepsTheBaseProperties() {
        ObjectType clientEvent = object("ClientEvent");
        ObjectType unsigned = v17.objectType(clientEvent.field("unsigned").orElseThrow().type()).orElseThrow();

        assertThat(unsigned.fields()).extracting(Field::name)
                .containsExactly("age", "redacted_because", "transaction_id", "prev_content");
        assertThat(clientEvent.field("room_id")).map(Field::required).contains(true);
        assertThat(clientEvent.field("event_id")).map(Field::required).contains(true);
    }

    @Test
    void listTypesBecomeNullableOrUnions() {
        ObjectType presence = object("GetPresenceResponse");
        assertThat(presence.field("status_msg")).map(Field::type).contains(new TypeRef.Nullable(TypeRef.string()));

        ObjectType pusher = object("PostPusherRequest");
        assertThat(pusher.field("kind")).map(Field::type).contains(new TypeRef.Nullable(TypeRef.string()));

        ObjectType rule = object("PushRule");
        assertThat(rule.field("actions")).map(Field::type).contains(new TypeRef.ArrayOf(new TypeRef.Named("PushRuleActions")));
        assertThat(v17.type("PushRuleActions")).containsInstanceOf(NamedType.UnionType.class)
                .map(t -> ((NamedType.UnionType) t).options()).contains(List.of(TypeRef.anyObject(), TypeRef.string()));
    }

    @Test
    void theFieldsQueryParameterTakesAnyFurtherParameters() {
        Operation query = op("GET", "/_matrix/client/v3/thirdparty/user/{protocol}");

        assertThat(query.queryParams()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("fields...");
            assertThat(f.type()).isEqualTo(new TypeRef.MapOf(TypeRef.string(), Optional.empty(), Optional.of("fields...")));
        });
    }

    @Test
    void propertiesTogetherWithAdditionalProperties() {
        ObjectType capabilities = object("Capabilities");

        assertThat(capabilities.fields()).extracting(Field::name)
                .containsExactly("m.change_password", "m.room_versions");
        assertThat(capabilities.additionalProperties()).contains(TypeRef.anyObject());
    }

    @Test
    void integersWithoutAFormatAreIntegers() {
        ObjectType presence = object("GetPresenceResponse");
        assertThat(presence.field("last_active_ago")).map(Field::type)
                .contains(new TypeRef.Primitive(PrimitiveKind.INTEGER, Optional.empty()));
        assertThat(object("ClientEvent").field("origin_server_ts")).map(Field::type)
                .contains(new TypeRef.Primitive(PrimitiveKind.INTEGER, Optional.of("int64")));
    }

    @Test
    void versionMarkersAreKept() {
        Field prevContent = v17.objectType(object("ClientEvent").field("unsigned").orElseThrow().type()).orElseThrow()
                .field("prev_content").orElseThrow();
        assertThat(prevContent.versions().changedIn()).containsOnlyKeys("1.2");
        assertThat(prevContent.versions().changedIn().get("1.2")).startsWith("Previously, this field was specified at the top level");

        Operation download = op("GET", "/_matrix/media/v3/download/{serverName}/{mediaId}");
        assertThat(download.queryParams()).filteredOn(f -> f.name().equals("timeout_ms"))
                .singleElement().satisfies(f -> assertThat(f.versions().addedIn()).contains("1.7"));
        assertThat(object("BanRequest").field("reason")).map(f -> f.versions().addedIn()).contains(Optional.of("1.1"));

        assertThat(op("GET", "/_matrix/client/v3/initialSync").versions().deprecated()).isTrue();
        assertThat(v17.operations().stream().filter(o -> o.versions().deprecated()).map(Operation::key).sorted().toList())
                .containsExactly(
                        "GET /_matrix/client/v3/events",
                        "GET /_matrix/client/v3/events/{eventId}",
                        "GET /_matrix/client/v3/initialSync",
                        "GET /_matrix/client/v3/rooms/{roomId}/initialSync",
                        "POST /_matrix/client/v3/account/3pid",
                        "PUT /_matrix/federation/v1/send_join/{roomId}/{eventId}",
                        "PUT /_matrix/federation/v1/send_leave/{roomId}/{eventId}");
    }

    @Test
    void responseStatusRangesAndTuplesAreModelled() {
        Operation submit = op("GET", "/_matrix/identity/v2/validate/email/submitToken");
        assertThat(submit.responses()).extracting(Operation.Response::code).containsExactly("200", "3xx", "4xx", "403");

        Operation inviteV1 = op("PUT", "/_matrix/federation/v1/invite/{roomId}/{eventId}");
        TypeRef ok = inviteV1.response(200).orElseThrow().type().orElseThrow();
        assertThat(ok).isInstanceOf(TypeRef.Tuple.class);
        assertThat(((TypeRef.Tuple) ok).items().getFirst()).isEqualTo(new TypeRef.Primitive(PrimitiveKind.INTEGER, Optional.empty()));

        Operation download = op("GET", "/_matrix/media/v3/download/{serverName}/{mediaId}");
        assertThat(download.response(200).orElseThrow().type()).contains(new TypeRef.Binary());
    }

    @Test
    void eventSchemasHaveTheirKind() {
        Map<EventKind, Long> kinds = v17.events().stream()
                .collect(Collectors.groupingBy(EventSchema::kind, TreeMap::new, Collectors.counting()));

        assertThat(kinds).isEqualTo(Map.of(EventKind.STATE, 20L, EventKind.MESSAGE, 22L, EventKind.EPHEMERAL, 3L,
                EventKind.ACCOUNT_DATA, 7L, EventKind.TO_DEVICE, 17L));
        assertThat(event("m.room.member.yaml").kind()).isEqualTo(EventKind.STATE);
        assertThat(event("m.typing.yaml").kind()).isEqualTo(EventKind.EPHEMERAL);
        assertThat(event("m.direct.yaml").kind()).isEqualTo(EventKind.ACCOUNT_DATA);
        assertThat(event("m.room_key.yaml").kind()).isEqualTo(EventKind.TO_DEVICE);
        assertThat(event("m.reaction.yaml").kind()).isEqualTo(EventKind.MESSAGE);
    }

    @Test
    void msgtypeVariantsAreEventsOfTheirOwn() {
        EventSchema text = event("m.room.message$m.text.yaml");

        assertThat(text.type()).isEqualTo("m.room.message");
        assertThat(text.variant()).contains("m.text");
        assertThat(text.msgtype()).contains("m.text");
        assertThat(text.typeName()).isEqualTo("RoomMessageTextEvent");
        assertThat(v17.objectType(text.content()).orElseThrow().fields())
                .extracting(Field::name, Field::type, Field::required)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("body", TypeRef.string(), true),
                        org.assertj.core.groups.Tuple.tuple("msgtype", new TypeRef.Literal("m.text"), true),
                        org.assertj.core.groups.Tuple.tuple("format", TypeRef.string(), false),
                        org.assertj.core.groups.Tuple.tuple("formatted_body", TypeRef.string(), false));
        assertThat(v17.events().stream().filter(e -> e.msgtype().isPresent()).map(e -> e.msgtype().get()).sorted().toList())
                .containsExactly("m.audio", "m.emote", "m.file", "m.image", "m.key.verification.request", "m.location",
                        "m.notice", "m.server_notice", "m.text", "m.video");
    }

    @Test
    void eventExamplesBelongToTheirSchema() {
        assertThat(event("m.room.member.yaml").examples()).extracting(e -> e.source().file()).containsExactly(
                "event-schemas/examples/m.room.member.yaml",
                "event-schemas/examples/m.room.member$invite_room_state.yaml",
                "event-schemas/examples/m.room.member$join_authorised_via_users_server.yaml",
                "event-schemas/examples/m.room.member$knock_room_state.yaml",
                "event-schemas/examples/m.room.member$third_party_invite.yaml");
        // The example's "$ref" to core/event.json is resolved, and its content replaces the base content.
        assertThat(event("m.direct.yaml").examples().getFirst().json())
                .isEqualTo("{\"content\":{\"@bob:example.com\":[\"!abcdefgh:example.com\",\"!hgfedcba:example.com\"]},\"type\":\"m.direct\"}");
    }

    private Operation op(String method, String path) {
        return v17.operation(method, path).orElseThrow(() -> new AssertionError("no " + method + " " + path));
    }

    private ObjectType object(String name) {
        return v17.type(name).map(ObjectType.class::cast).orElseThrow(() -> new AssertionError("no type " + name));
    }

    private EventSchema event(String file) {
        return v17.event(file).orElseThrow(() -> new AssertionError("no event " + file));
    }
}
