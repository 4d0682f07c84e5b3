package dev.mxspec.generator.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.CanonicalJson;
import dev.mxspec.generator.model.Example;
import dev.mxspec.generator.parse.YamlNode.YList;
import dev.mxspec.generator.parse.YamlNode.YMap;
import dev.mxspec.generator.parse.YamlNode.YScalar;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Reads example values as JSON. Examples may include other example files with {@code "$ref"}: the
 * referenced file is read and the other keys replace the referenced file's keys of the same name
 * (a shallow merge: {@code m.direct}'s example replaces the base example's {@code content}).
 */
final class ExampleReader {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SpecFiles files;

    ExampleReader(SpecFiles files) {
        this.files = files;
    }

    Example example(YamlNode node) {
        return new Example(CanonicalJson.write(json(node)), node.source());
    }

    /** The JSON of an example node; {@code $ref}s are relative to the file the node is written in. */
    JsonNode json(YamlNode node) {
        return switch (node) {
            case YScalar s -> scalar(s.value());
            case YList l -> {
                ArrayNode array = NODES.arrayNode();
                l.items().forEach(item -> array.add(json(item)));
                yield array;
            }
            case YMap m -> {
                ObjectNode object = NODES.objectNode();
                if (m.string("$ref").isPresent()) {
                    SpecFiles.Target target = files.target(files.absolute(m.source()), m.string("$ref").get(), m.source());
                    JsonNode base = json(target.node());
                    if (base instanceof ObjectNode baseObject) {
                        object.setAll(baseObject);
                    } else if (m.entries().size() == 1) {
                        yield base;
                    }
                }
                for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
                    if (!e.getKey().equals("$ref")) {
                        object.set(e.getKey(), json(e.getValue()));
                    }
                }
                yield object;
            }
        };
    }


    private static JsonNode scalar(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case String s -> NODES.textNode(s);
            case Boolean b -> NODES.booleanNode(b);
            case BigInteger i -> i.bitLength() < 64 ? NODES.numberNode(i.longValue()) : NODES.numberNode(i);
            case BigDecimal d -> NODES.numberNode(d);
            default -> NODES.textNode(value.toString());
        };
    }
}
