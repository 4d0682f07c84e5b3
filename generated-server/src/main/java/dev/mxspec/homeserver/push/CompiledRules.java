package dev.mxspec.homeserver.push;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * Conditions as compiled, one instance for each distinct condition: the server's rules of every user
     * share theirs, so an event's evaluation for all members of a room tests each condition once
     * ({@link #match(JsonNode, Recipient, RoomFacts, Map)}).
     */
    private static final ConcurrentHashMap<Condition, Condition> SHARED = new ConcurrentHashMap<>();

    private static Condition shared(Condition c) {
        return SHARED.computeIfAbsent(c, k -> k);
    }

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
                rules.add(new Rule(kind, id, conditions.stream().map(CompiledRules::shared).toList(), Actions.of(rule.path("actions"))));
            }
        }
        return new CompiledRules(rules);
    }

    /**
     * The first matching rule for an event (as the client format, with {@code room_id}) and a member;
     * empty when none matches. Events the member sent himself never notify: callers skip them.
     */
    public Optional<Rule> match(JsonNode event, Recipient recipient, RoomFacts room) {
        return match(event, recipient, room, null);
    }

    /**
     * {@link #match(JsonNode, Recipient, RoomFacts)} for one of many members of the event's room, with the
     * outcomes of the conditions that do not depend on the member, shared by all of them (an
     * identity map, one per event and room state; {@code null} for none).
     */
    public Optional<Rule> match(JsonNode event, Recipient recipient, RoomFacts room, Map<Condition, Boolean> known) {
        for (Rule rule : rules) {
            boolean all = true;
            for (Condition c : rule.conditions()) {
                boolean holds;
                if (known == null || c.perMember()) {
                    holds = c.test(event, recipient, room);
                } else {
                    Boolean k = known.get(c);
                    if (k == null) {
                        k = c.test(event, recipient, room);
                        known.put(c, k);
                    }
                    holds = k;
                }
                if (!holds) {
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
        return actions(event, recipient, room, null);
    }

    /** {@link #actions(JsonNode, Recipient, RoomFacts)} with shared outcomes ({@link #match(JsonNode, Recipient, RoomFacts, Map)}). */
    public Actions actions(JsonNode event, Recipient recipient, RoomFacts room, Map<Condition, Boolean> known) {
        return match(event, recipient, room, known).map(Rule::actions).orElse(Actions.NONE);
    }

    public List<Rule> rules() {
        return rules;
    }
}
