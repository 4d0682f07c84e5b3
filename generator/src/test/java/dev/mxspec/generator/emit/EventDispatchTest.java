package dev.mxspec.generator.emit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.CanonicalJson;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.runtime.json.MatrixJson;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** {@code Events.content(type, json)} of generated v1.7 code: typed content by type and variant, raw JSON otherwise. */
class EventDispatchTest {

    private final CompiledRelease v17 = CompiledRelease.of("v1.7");

    @Test
    void everyEventExampleIsReadAsTheContentOfItsSchema() throws Exception {
        int checked = 0;
        for (EventSchema event : v17.release.events()) {
            for (var example : event.examples()) {
                JsonNode json = CanonicalJson.parse(example.json());
                Object content = content(json.path("type").asText(), json.get("content"));
                // The example's own schema, or a variant of its type that the example's discriminator selects
                // (m.key.verification.start with method m.sas.v1).
                java.util.List<Class<?>> allowed = v17.release.events().stream()
                        .filter(e -> e.type().equals(event.type()))
                        .filter(e -> e == event || e.variant().isPresent())
                        .map(e -> e.content() instanceof TypeRef.Named n
                                ? v17.load(v17.layout.typeClass(n.name()).canonicalName())
                                : v17.load(v17.layout.eventsPackage() + ".RawEventContent"))
                        .<Class<?>>map(c -> c)
                        .toList();
                assertThat(allowed).as(example.source().toString()).contains(content.getClass());
                assertThat(MatrixJson.tree(content).toString()).isNotEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(60);
    }

    @Test
    void msgtypeSelectsTheVariantAndUnknownOnesFallBack() throws Exception {
        assertThat(content("m.room.message", json("{\"msgtype\":\"m.text\",\"body\":\"hi\"}")).getClass().getSimpleName())
                .isEqualTo("RoomMessageTextEventContent");
        assertThat(content("m.room.message", json("{\"msgtype\":\"m.image\",\"body\":\"a.png\",\"url\":\"mxc://a/b\"}"))
                .getClass().getSimpleName()).isEqualTo("RoomMessageImageEventContent");
        assertThat(content("m.room.message", json("{\"msgtype\":\"org.example.custom\",\"body\":\"x\"}")).getClass().getSimpleName())
                .isEqualTo("RoomMessageEventContent");
    }

    @Test
    void unknownTypesKeepTheirJsonAndKnownTypesKeepUnknownFields() throws Exception {
        Object unknown = content("org.example.thing", json("{\"a\":[1,2]}"));
        assertThat(unknown.getClass().getSimpleName()).isEqualTo("RawEventContent");
        assertThat(MatrixJson.write(unknown)).isEqualTo("{\"a\":[1,2]}"); // the content itself, not a wrapper

        ObjectNode withExtra = json("{\"msgtype\":\"m.text\",\"body\":\"hi\",\"org.example.extra\":{\"x\":true}}");
        Object text = content("m.room.message", withExtra);
        assertThat(CanonicalJson.write(MatrixJson.tree(text))).isEqualTo(CanonicalJson.write(withExtra));
    }

    @Test
    void contentThatDoesNotFitItsSchemaIsKeptRaw() throws Exception {
        Object broken = content("m.room.member", json("{\"displayname\":\"no membership\"}"));

        assertThat(broken.getClass().getSimpleName()).isEqualTo("RawEventContent");
        assertThat(MatrixJson.write(broken)).isEqualTo("{\"displayname\":\"no membership\"}");
    }

    @Test
    void anExplicitNullInANullableOptionalFieldSurvivesAndAbsenceStaysAbsence() throws Exception {
        String withNull = "{\"displayname\":null,\"membership\":\"join\"}";
        String without = "{\"membership\":\"join\"}";
        String withName = "{\"displayname\":\"Alice\",\"membership\":\"join\"}";

        assertThat(CanonicalJson.write(MatrixJson.tree(content("m.room.member", json(withNull))))).isEqualTo(withNull);
        assertThat(CanonicalJson.write(MatrixJson.tree(content("m.room.member", json(without))))).isEqualTo(without);
        assertThat(CanonicalJson.write(MatrixJson.tree(content("m.room.member", json(withName))))).isEqualTo(withName);
        Object member = content("m.room.member", json(withNull));
        assertThat(member.getClass().getMethod("displayname").invoke(member))
                .isEqualTo(java.util.Optional.of(dev.mxspec.runtime.json.Nullable.ofNull()));
    }

    @Test
    void eachContentTypeImplementsItsKind() throws Exception {
        Class<?> state = v17.load(v17.layout.eventsPackage() + ".StateEventContent");
        Class<?> message = v17.load(v17.layout.eventsPackage() + ".MessageEventContent");

        assertThat(state).isAssignableFrom(content("m.room.member", json("{\"membership\":\"join\"}")).getClass());
        assertThat(message).isAssignableFrom(content("m.room.message", json("{\"msgtype\":\"m.text\",\"body\":\"hi\"}")).getClass());
        assertThat(state.isAssignableFrom(content("m.room.message", json("{\"msgtype\":\"m.text\",\"body\":\"hi\"}")).getClass())).isFalse();
    }

    private Object content(String type, JsonNode content) throws Exception {
        Method dispatch = v17.load(v17.layout.eventsPackage() + ".Events").getMethod("content", String.class, JsonNode.class);
        return dispatch.invoke(null, type, content);
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) CanonicalJson.parse(text);
    }
}
