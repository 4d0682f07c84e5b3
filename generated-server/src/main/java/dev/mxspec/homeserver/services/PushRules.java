package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.KeyLocks;
import dev.mxspec.homeserver.push.DefaultRules;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Optional;

/**
 * A user's push rules, kept as the global account data event {@code m.push_rules} (which is how
 * clients also receive them through {@code /sync}): {@code {"global": {"override": [...], ...}}}.
 * The server-default rules of v1.7 ({@link DefaultRules}) are merged in on every read: the user's
 * own rules of a kind come before the server's (except {@code .m.rule.master}, always first), and
 * the user's changes to a server rule (enabled, actions) are kept. Users add, reorder, enable,
 * disable and delete their own rules; server rules (IDs starting with a dot) can be enabled,
 * disabled and given other actions, but not added, moved or deleted.
 */
public final class PushRules {

    /** The rule kinds in the order the server evaluates them. */
    public static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");

    private static final String TYPE = "m.push_rules";

    private final UserStreams streams;
    private final KeyLocks locks = new KeyLocks(32);
    private volatile java.util.function.Consumer<String> changed = user -> { };

    public PushRules(UserStreams streams) {
        this.streams = streams;
    }

    /** Who hears that a user's rules changed (after the change is stored). */
    public void onChange(java.util.function.Consumer<String> listener) {
        this.changed = listener;
    }

    /** The whole rule set: {@code {"global": {kind: [rules]}}}, every kind present, the server's rules merged in. */
    public ObjectNode ruleset(String userId) {
        ObjectNode stored = streams.accountData(userId, "", TYPE).filter(JsonNode::isObject).map(n -> (ObjectNode) n)
                .orElseGet(MatrixJson.mapper()::createObjectNode);
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        out.set("global", merge(DefaultRules.forUser(userId), stored.path("global")));
        return out;
    }

    /** The user's own rules first in each kind ({@code .m.rule.master} before all), then the server's with the user's changes. */
    static ObjectNode merge(ObjectNode defaults, JsonNode stored) {
        ObjectNode global = MatrixJson.mapper().createObjectNode();
        for (String kind : KINDS) {
            ArrayNode out = global.putArray(kind);
            ArrayNode own = MatrixJson.mapper().createArrayNode();
            java.util.Map<String, JsonNode> changed = new java.util.HashMap<>();
            for (JsonNode rule : stored.path(kind)) {
                String id = rule.path("rule_id").asText("");
                if (id.startsWith(".")) {
                    changed.put(id, rule);
                } else if (!id.isEmpty()) {
                    own.add(rule);
                }
            }
            List<ObjectNode> server = new java.util.ArrayList<>();
            defaults.path(kind).forEach(d -> {
                ObjectNode rule = d.deepCopy();
                JsonNode change = changed.get(rule.path("rule_id").asText());
                if (change != null) {
                    rule.put("enabled", change.path("enabled").asBoolean(rule.path("enabled").asBoolean()));
                    if (change.path("actions").isArray()) {
                        rule.set("actions", change.get("actions"));
                    }
                }
                server.add(rule);
            });
            if (!server.isEmpty() && server.getFirst().path("rule_id").asText().equals(".m.rule.master")) {
                out.add(server.removeFirst());
            }
            out.addAll(own);
            server.forEach(out::add);
        }
        return global;
    }

    public ObjectNode rule(String userId, String scope, String kind, String ruleId) {
        return find(ruleset(userId), scope, kind, ruleId);
    }

    /** Adds or replaces a rule, placed before or after another rule of its kind when asked. */
    public void put(String userId, String scope, String kind, String ruleId, Optional<String> before, Optional<String> after,
            JsonNode actions, Optional<JsonNode> conditions, Optional<String> pattern) {
        requireScope(scope);
        if (ruleId.startsWith(".")) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "rule IDs starting with '.' belong to the server");
        }
        if (ruleId.contains("/") || ruleId.contains("\\")) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "a rule ID cannot contain '/' or '\\'");
        }
        checkActions(actions);
        conditions.ifPresent(PushRules::checkConditions);
        if (kind.equals("content") && pattern.isEmpty()) {
            throw new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "content rules need a pattern");
        }
        ObjectNode rule = MatrixJson.mapper().createObjectNode();
        rule.put("rule_id", ruleId).put("default", false).put("enabled", true);
        rule.set("actions", actions);
        if (kind.equals("override") || kind.equals("underride")) {
            rule.set("conditions", conditions.orElseGet(MatrixJson.mapper()::createArrayNode));
        }
        pattern.filter(p -> kind.equals("content")).ifPresent(p -> rule.put("pattern", p));
        update(userId, set -> {
            ArrayNode rules = (ArrayNode) set.path("global").path(kind);
            int existing = indexOf(rules, ruleId);
            if (existing >= 0) {
                rule.put("enabled", rules.get(existing).path("enabled").asBoolean(true));
            }
            before.or(() -> after).filter(r -> r.startsWith(".")).ifPresent(r -> {
                throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "rules cannot be placed relative to the server's rule " + r);
            });
            int at = before.map(b -> position(rules, b, 0)).or(() -> after.map(a -> position(rules, a, 1)))
                    .orElse(firstServerRule(rules, kind));
            if (existing >= 0) {
                rules.remove(existing);
                if (at > existing) {
                    at--;
                }
            }
            if (at < 0) {
                rules.add(rule);
            } else {
                rules.insert(at, rule);
            }
        });
    }

    public void delete(String userId, String scope, String kind, String ruleId) {
        if (ruleId.startsWith(".")) {
            find(ruleset(userId), scope, kind, ruleId); // 404 for a server rule that does not exist
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "the server's rules can be disabled, not deleted");
        }
        update(userId, set -> {
            find(set, scope, kind, ruleId);
            ArrayNode rules = (ArrayNode) set.path("global").path(kind);
            rules.remove(indexOf(rules, ruleId));
        });
    }

    public void setEnabled(String userId, String scope, String kind, String ruleId, boolean enabled) {
        update(userId, set -> find(set, scope, kind, ruleId).put("enabled", enabled));
    }

    public void setActions(String userId, String scope, String kind, String ruleId, JsonNode actions) {
        checkActions(actions);
        update(userId, set -> find(set, scope, kind, ruleId).set("actions", actions));
    }

    /**
     * Actions as the spec defines them: {@code notify}, {@code set_tweak} objects with a string tweak,
     * and the no-op {@code dont_notify} and {@code coalesce} that older clients still send.
     */
    static void checkActions(JsonNode actions) {
        if (actions == null || !actions.isArray()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "actions must be a list");
        }
        for (JsonNode a : actions) {
            boolean valid = a.isTextual() ? List.of("notify", "dont_notify", "coalesce").contains(a.asText())
                    : a.isObject() && a.path("set_tweak").isTextual();
            if (!valid) {
                throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "unknown push rule action " + a);
            }
        }
    }

    /** Conditions are objects with a string {@code kind}; unknown kinds are kept (the spec says they never match). */
    static void checkConditions(JsonNode conditions) {
        if (!conditions.isArray()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "conditions must be a list");
        }
        for (JsonNode c : conditions) {
            if (!c.isObject() || !c.path("kind").isTextual()) {
                throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "a push rule condition needs a kind: " + c);
            }
        }
    }

    private void update(String userId, java.util.function.Consumer<ObjectNode> change) {
        synchronized (locks.of(userId)) {
            ObjectNode set = ruleset(userId);
            change.accept(set);
            streams.setAccountData(userId, "", TYPE, set);
        }
        changed.accept(userId);
    }

    private static ObjectNode find(ObjectNode set, String scope, String kind, String ruleId) {
        requireScope(scope);
        ArrayNode rules = (ArrayNode) set.path("global").path(kind);
        int i = indexOf(rules, ruleId);
        if (i < 0) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no " + kind + " push rule " + ruleId);
        }
        return (ObjectNode) rules.get(i);
    }

    /** Where a new user rule goes without a position: after the user's rules, before the server's (master excepted). */
    private static int firstServerRule(ArrayNode rules, String kind) {
        for (int i = 0; i < rules.size(); i++) {
            String id = rules.get(i).path("rule_id").asText();
            if (id.startsWith(".") && !id.equals(".m.rule.master")) {
                return i;
            }
        }
        return -1;
    }

    private static int position(ArrayNode rules, String ruleId, int offset) {
        int i = indexOf(rules, ruleId);
        if (i < 0) {
            // pushrules.yaml documents this as the 400 of PUT ("before/after rule not found", M_UNKNOWN); its 404 is for
            // updating a rule that does not exist
            throw new MatrixException(400, ErrorCodes.M_UNKNOWN, "before/after rule not found: " + ruleId);
        }
        return i + offset;
    }

    private static int indexOf(ArrayNode rules, String ruleId) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).path("rule_id").asText().equals(ruleId)) {
                return i;
            }
        }
        return -1;
    }

    private static void requireScope(String scope) {
        if (!scope.equals("global")) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "the only push rule scope is 'global', not '" + scope + "'");
        }
    }
}
