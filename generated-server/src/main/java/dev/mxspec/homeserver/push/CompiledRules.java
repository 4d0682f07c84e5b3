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

    /** Rule sets as compiled, one instance for each distinct set: users who kept the server's rules share one. */
    private static final ConcurrentHashMap<List<Rule>, CompiledRules> SHARED_SETS = new ConcurrentHashMap<>();

    /**
     * Compiles the rule set of {@code userId}: conditions on his own user ID or localpart become
     * conditions on the member evaluated for ({@link Condition.OfRecipient}), so that users who kept the
     * server's rules share one compiled set, and an event is walked through it once for all of them
     * ({@link #forEvent}).
     */
    public static CompiledRules compile(JsonNode global, String userId) {
        String localpart = Recipient.of(userId, Optional.empty()).localpart();
        List<Rule> rules = compile(global).rules().stream()
                .map(r -> new Rule(r.kind(), r.ruleId(), r.conditions().stream().map(c -> shared(Condition.OfRecipient.of(c, userId, localpart)))
                        .toList(), r.actions()))
                .toList();
        return SHARED_SETS.computeIfAbsent(rules, CompiledRules::new);
    }

    /** Compiles {@code global} (the object of kinds to rule lists) as written; disabled rules are left out. */
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

    /**
     * What is left of these rules for one event once the conditions that do not depend on the member
     * are tested (once, through {@code known}, an identity map shared by every rule set evaluated for
     * the event): the rules still possible, each with its conditions on the member, and the actions of
     * the first rule that matches whoever the member is.
     */
    public Evaluation forEvent(JsonNode event, RoomFacts room, Map<Condition, Boolean> known) {
        List<Rule> possible = new ArrayList<>();
        List<List<Condition>> onMember = new ArrayList<>();
        for (Rule rule : rules) {
            boolean holds = true;
            List<Condition> left = new ArrayList<>();
            for (Condition c : rule.conditions()) {
                if (c.perMember()) {
                    left.add(c);
                    continue;
                }
                Boolean k = known.get(c);
                if (k == null) {
                    k = c.test(event, null, room);
                    known.put(c, k);
                }
                if (!k) {
                    holds = false;
                    break;
                }
            }
            if (!holds) {
                continue;
            }
            if (left.isEmpty()) {
                return new Evaluation(possible, onMember, rule.actions());
            }
            possible.add(rule);
            onMember.add(left);
        }
        return new Evaluation(possible, onMember, Actions.NONE);
    }

    /**
     * A rule set's rules for one event, with only their conditions on the member left.
     *
     * @param otherwise the actions when none of the possible rules matches the member
     */
    public record Evaluation(List<Rule> possible, List<List<Condition>> onMember, Actions otherwise) {

        /** The actions for one member. */
        public Actions actions(JsonNode event, Recipient recipient, RoomFacts room) {
            for (int i = 0; i < possible.size(); i++) {
                boolean all = true;
                for (Condition c : onMember.get(i)) {
                    if (!c.test(event, recipient, room)) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    return possible.get(i).actions();
                }
            }
            return otherwise;
        }
    }
}
