package dev.mxspec.homeserver.push;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A user's whole push rule set ({@code global}: override, content, room, sender, underride, server
 * defaults included), compiled once per user and change: conditions parsed, globs compiled, the
 * predefined conditions of content, room and sender rules made explicit. Evaluating an event is then
 * a walk down the list until the first enabled rule whose conditions all hold.
 */
public final class CompiledRules {

    /** The kinds in the order rules are tried. */
    public static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");

    /** One rule: its ID and kind, its conditions, its actions. */
    public record Rule(String kind, String ruleId, List<Condition> conditions, Actions actions) {}

    private final List<Rule> rules;

    private CompiledRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Compiles {@code global} (the object of kinds to rule lists); disabled rules are left out. */
    public static CompiledRules compile(JsonNode global) {
        List<Rule> rules = new ArrayList<>();
        for (String kind : KINDS) {
            for (JsonNode rule : global.path(kind)) {
                if (!rule.path("enabled").asBoolean(true) || !rule.path("rule_id").isTextual()) {
                    continue;
                }
                String id = rule.get("rule_id").asText();
                List<Condition> conditions = new ArrayList<>();
                switch (kind) {
                    case "content" -> conditions.add(rule.path("pattern").isTextual()
                            ? new Condition.EventMatch(PropertyPath.parse("content.body"), Glob.of(rule.get("pattern").asText()), true)
                            : new Condition.Never("content"));
                    case "room" -> conditions.add(new Condition.PropertyIs(PropertyPath.parse("room_id"),
                            com.fasterxml.jackson.databind.node.TextNode.valueOf(id)));
                    case "sender" -> conditions.add(new Condition.PropertyIs(PropertyPath.parse("sender"),
                            com.fasterxml.jackson.databind.node.TextNode.valueOf(id)));
                    default -> rule.path("conditions").forEach(c -> conditions.add(Condition.of(c)));
                }
                if (DefaultRules.LEGACY_MENTION_RULES.contains(id) && rule.path("default").asBoolean(false)) {
                    conditions.addFirst(new Condition.NoMentions());
                }
                rules.add(new Rule(kind, id, conditions, Actions.of(rule.path("actions"))));
            }
        }
        return new CompiledRules(rules);
    }

    /**
     * The first matching rule for an event (as the client format, with {@code room_id}) and a member;
     * empty when none matches. Events the member sent himself never notify: callers skip them.
     */
    public Optional<Rule> match(JsonNode event, Recipient recipient, RoomFacts room) {
        for (Rule rule : rules) {
            boolean all = true;
            for (Condition c : rule.conditions()) {
                if (!c.test(event, recipient, room)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /** The actions for an event: those of the first matching rule, none when no rule matches. */
    public Actions actions(JsonNode event, Recipient recipient, RoomFacts room) {
        return match(event, recipient, room).map(Rule::actions).orElse(Actions.NONE);
    }

    public List<Rule> rules() {
        return rules;
    }
}
