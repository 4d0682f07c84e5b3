package dev.mxspec.homeserver.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Optional;

/**
 * What a matching rule asks for: whether to notify, whether to highlight (a {@code highlight} tweak
 * without a value is {@code true}), the sound, and every tweak as given (for the push gateway).
 * {@code dont_notify} and {@code coalesce} are no-ops, as v1.7 says.
 *
 * @param json the actions as the rule gives them (a JSON list), for {@code GET /notifications}
 */
public record Actions(boolean notifies, boolean highlight, Optional<String> sound, ObjectNode tweaks, String json) {

    public static final Actions NONE = new Actions(false, false, Optional.empty(), MatrixJson.mapper().createObjectNode(), "[]");

    public static Actions of(JsonNode actions) {
        boolean notifies = false;
        ObjectNode tweaks = MatrixJson.mapper().createObjectNode();
        for (JsonNode a : actions) {
            if (a.isTextual() && a.asText().equals("notify")) {
                notifies = true;
            } else if (a.isObject() && a.path("set_tweak").isTextual()) {
                String tweak = a.get("set_tweak").asText();
                tweaks.set(tweak, a.has("value") ? a.get("value")
                        : tweak.equals("highlight") ? MatrixJson.mapper().getNodeFactory().booleanNode(true)
                        : MatrixJson.mapper().getNodeFactory().nullNode());
            }
        }
        boolean highlight = tweaks.path("highlight").asBoolean(false);
        Optional<String> sound = tweaks.path("sound").isTextual() ? Optional.of(tweaks.get("sound").asText()) : Optional.empty();
        return new Actions(notifies, highlight, sound, tweaks, MatrixJson.write(actions));
    }
}
