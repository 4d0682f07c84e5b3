package dev.mxspec.runtime.server;

import static dev.mxspec.runtime.server.JsonShape.BOOLEAN;
import static dev.mxspec.runtime.server.JsonShape.INTEGER;
import static dev.mxspec.runtime.server.JsonShape.NUMBER;
import static dev.mxspec.runtime.server.JsonShape.STRING;
import static dev.mxspec.runtime.server.JsonShape.object;
import static dev.mxspec.runtime.server.JsonShape.optional;
import static dev.mxspec.runtime.server.JsonShape.required;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonShapeTest {

    private static JsonNode json(String text) {
        try {
            return MatrixJson.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static Optional<String> problem(JsonShape shape, String json) {
        return shape.problem(json(json), "");
    }

    @Test
    void scalarsAreNeverCoerced() {
        assertThat(problem(STRING, "7")).contains("expected a string, found an integer");
        assertThat(problem(STRING, "true")).contains("expected a string, found a boolean");
        assertThat(problem(STRING, "null")).contains("expected a string, found null");
        assertThat(problem(BOOLEAN, "\"true\"")).contains("expected a boolean, found a string");
        assertThat(problem(BOOLEAN, "1")).contains("expected a boolean, found an integer");
        assertThat(problem(INTEGER, "1.5")).contains("expected an integer, found a number");
        assertThat(problem(INTEGER, "30000.0")).contains("expected an integer, found a number");
        assertThat(problem(INTEGER, "1e3")).contains("expected an integer, found a number");
        assertThat(problem(INTEGER, "\"30000\"")).contains("expected an integer, found a string");
        assertThat(problem(INTEGER, "9223372036854775808")).contains("integer out of range");
        assertThat(problem(INTEGER, "[1]")).contains("expected an integer, found an array");
        assertThat(problem(NUMBER, "\"1.5\"")).contains("expected a number, found a string");
    }

    @Test
    void valuesOfTheRightTypeFit() {
        assertThat(problem(STRING, "\"\"")).isEmpty();
        assertThat(problem(INTEGER, "30000")).isEmpty();
        assertThat(problem(INTEGER, "-9223372036854775808")).isEmpty();
        assertThat(problem(NUMBER, "30000")).isEmpty();
        assertThat(problem(NUMBER, "0.25")).isEmpty();
        assertThat(problem(BOOLEAN, "false")).isEmpty();
        assertThat(problem(JsonShape.ANY, "null")).isEmpty();
        assertThat(problem(JsonShape.ANY_OBJECT, "{\"anything\":[1,{}]}")).isEmpty();
        assertThat(problem(JsonShape.ANY_OBJECT, "[]")).contains("expected an object, found an array");
    }

    @Test
    void objectsNeedTheirRequiredFieldsKeepUnknownOnesAndRefuseNullWhereNotNullable() {
        JsonShape shape = object("name", required(STRING), "age", optional(INTEGER), "note", optional(JsonShape.nullable(STRING)));

        assertThat(problem(shape, "{\"name\":\"a\",\"x-unknown\":{\"deep\":[null]}}")).isEmpty();
        assertThat(problem(shape, "{\"name\":\"a\",\"note\":null}")).isEmpty();
        assertThat(problem(shape, "{}")).contains("required field 'name' is missing");
        assertThat(problem(shape, "{\"name\":null}")).contains("name: expected a string, found null");
        assertThat(problem(shape, "{\"name\":\"a\",\"age\":null}")).contains("age: expected an integer, found null");
        assertThat(problem(shape, "{\"name\":\"a\",\"note\":5}")).contains("note: expected a string, found an integer");
        assertThat(problem(shape, "[]")).contains("expected an object, found an array");
        assertThat(problem(shape, "\"name\"")).contains("expected an object, found a string");
    }

    @Test
    void problemsNameTheirPlaceInNestedValues() {
        JsonShape shape = object("rooms", required(JsonShape.mapOf(object("ids", required(JsonShape.arrayOf(STRING))))));

        assertThat(problem(shape, "{\"rooms\":{\"!a:x\":{\"ids\":[\"a\",\"b\"]}}}")).isEmpty();
        assertThat(problem(shape, "{\"rooms\":{\"!a:x\":{\"ids\":[\"a\",2]}}}")).contains("rooms.!a:x.ids[1]: expected a string, found an integer");
        assertThat(problem(shape, "{\"rooms\":[]}")).contains("rooms: expected an object, found an array");
    }

    @Test
    void literalsOneOfAndSelfReferringShapes() {
        assertThat(problem(JsonShape.literal("m.login.dummy"), "\"m.login.dummy\"")).isEmpty();
        assertThat(problem(JsonShape.literal("m.login.dummy"), "\"m.login.password\"")).contains("expected \"m.login.dummy\"");
        JsonShape either = JsonShape.oneOf(STRING, JsonShape.arrayOf(STRING));
        assertThat(problem(either, "\"a\"")).isEmpty();
        assertThat(problem(either, "[\"a\"]")).isEmpty();
        assertThat(problem(either, "{}")).contains("does not fit any of the allowed forms");

        JsonShape[] tree = new JsonShape[1];
        tree[0] = object("value", required(INTEGER), "children", optional(JsonShape.arrayOf(JsonShape.ref(() -> tree[0]))));
        assertThat(problem(tree[0], "{\"value\":1,\"children\":[{\"value\":2,\"children\":[{\"value\":3}]}]}")).isEmpty();
        assertThat(problem(tree[0], "{\"value\":1,\"children\":[{\"value\":2,\"children\":[{\"value\":\"3\"}]}]}"))
                .contains("children[0].children[0].value: expected an integer, found a string");
    }
}
