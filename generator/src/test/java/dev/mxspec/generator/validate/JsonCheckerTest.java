package dev.mxspec.generator.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.generator.SpecSources;
import dev.mxspec.runtime.json.CanonicalJson;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonCheckerTest {

    private final SpecRelease v17 = SpecSources.model("v1.7");
    private final JsonChecker checker = new JsonChecker(v17);

    @Test
    void aConformingEventHasNoProblems() {
        String json = """
                {"type":"m.room.message","event_id":"$e","sender":"@a:b","origin_server_ts":1,"room_id":"!r:b",
                 "content":{"msgtype":"m.text","body":"hi"}}""";

        assertThat(check(json, "RoomMessageTextEvent")).isEmpty();
    }

    @Test
    void missingRequiredFieldsWrongTypesAndLiteralsAreReported() {
        String json = """
                {"type":"m.room.message","event_id":"$e","sender":"@a:b","origin_server_ts":"soon","room_id":"!r:b",
                 "content":{"msgtype":"m.notice"}}""";

        assertThat(check(json, "RoomMessageTextEvent")).containsExactly(
                "/content: required field 'body' of RoomMessageTextEventContent is missing",
                "/content/msgtype: expected \"m.text\", found string \"m.notice\"",
                "/origin_server_ts: expected integer(int64), found string \"soon\"");
    }

    @Test
    void enumValuesAreChecked() {
        assertThat(check("{\"membership\":\"partying\"}", "RoomMemberEventContent"))
                .containsExactly("/membership: \"partying\" is not one of [invite, join, knock, leave, ban]");
    }

    @Test
    void nullableAndUnionsAccept() {
        assertThat(checker.check(CanonicalJson.parse("null"), new TypeRef.Nullable(TypeRef.string()))).isEmpty();
        TypeRef actions = new TypeRef.ArrayOf(new TypeRef.Named("PushRuleActions"));
        assertThat(checker.check(CanonicalJson.parse("[\"notify\",{\"set_tweak\":\"sound\"}]"), actions)).isEmpty();
        assertThat(checker.check(CanonicalJson.parse("[1]"), actions)).hasSize(1);
    }

    @Test
    void parameterValuesMayBeWrittenAsText() {
        TypeRef integer = new TypeRef.Primitive(TypeRef.PrimitiveKind.INTEGER, java.util.Optional.empty());

        assertThat(checker.checkParameter(CanonicalJson.parse("\"35000\""), integer)).isEmpty();
        assertThat(checker.checkParameter(CanonicalJson.parse("\"soon\""), integer)).containsExactly("'soon' is not integer");
    }

    private List<String> check(String json, String typeName) {
        return checker.check(CanonicalJson.parse(json), new TypeRef.Named(typeName));
    }
}
