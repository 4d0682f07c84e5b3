package dev.mxspec.homeserver.push;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A dot-separated property path (appendices, "Dot-separated property paths"): {@code content.body};
 * a literal dot or backslash in a name is escaped with a backslash ({@code content.m\.mentions}),
 * other escapes are kept as they are.
 */
public record PropertyPath(List<String> names) {

    public PropertyPath {
        names = List.copyOf(names);
    }

    public static PropertyPath parse(String path) {
        List<String> names = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length() && (path.charAt(i + 1) == '.' || path.charAt(i + 1) == '\\')) {
                name.append(path.charAt(++i));
            } else if (c == '.') {
                names.add(name.toString());
                name.setLength(0);
            } else {
                name.append(c);
            }
        }
        names.add(name.toString());
        return new PropertyPath(names);
    }

    /** The value at this path in {@code event}, or a missing node. */
    public JsonNode in(JsonNode event) {
        JsonNode at = event;
        for (String name : names) {
            if (!at.isObject()) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            at = at.path(name);
        }
        return at;
    }
}
