package dev.mxspec.runtime.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void parsesTheTreeThatObjectMapperReads() throws Exception {
        List<String> texts = List.of(
                "{\"a\":1,\"b\":[true,false,null,\"x\\u00e9\\n\"],\"c\":{\"d\":{}}}",
                "[0,-1,2147483647,2147483648,-2147483649,9223372036854775807,9223372036854775808,-99999999999999999999]",
                "[1.5,1.50,-0.0,1e3,1E-7,12345678901234567890.123,1.0e400]",
                "{\"k\":1,\"k\":2,\"j\":3}",
                "\"text\"", "42", "null", "true", "[]", "{}",
                "  {\"a\":1}  ", "{\"a\":1} [2]", "");
        for (String text : texts) {
            JsonNode ours = CanonicalJson.parse(text);
            JsonNode jackson = MAPPER.readTree(text);
            assertThat(ours).as(text).isEqualTo(jackson);
            assertThat(MAPPER.writeValueAsString(ours)).as(text).isEqualTo(MAPPER.writeValueAsString(jackson));
        }
    }

    @Test
    void refusesTextThatIsNotJson() {
        assertThatThrownBy(() -> CanonicalJson.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON: ");
        assertThatThrownBy(() -> CanonicalJson.parse("[1,]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON: ");
    }

    @Test
    void writesEveryKindOfNodeAsObjectMapperWouldWithSortedKeys() throws Exception {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode node = nodes.objectNode();
        node.put("int", 7).put("long", 1L << 40).put("short", (short) 3).put("float", 1.25f).put("double", 0.1)
                .put("decimal", new BigDecimal("1.50")).put("big", new BigInteger("123456789012345678901234567890"))
                .put("text", "a\"b\\c\u0001").put("bool", true).putNull("null");
        node.set("pojo", new POJONode(List.of(1, "two")));

        assertThat(CanonicalJson.write(node)).isEqualTo("{\"big\":123456789012345678901234567890,\"bool\":true,"
                + "\"decimal\":1.50,\"double\":0.1,\"float\":1.25,\"int\":7,\"long\":1099511627776,\"null\":null,"
                + "\"pojo\":[1,\"two\"],\"short\":3,\"text\":\"a\\\"b\\\\c\\u0001\"}");
    }
}
