package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The room state the auth rules read, before the event being checked: the create, power levels and join rules
 * events, the membership events of the users involved (sender, target, the user named by
 * {@code join_authorised_via_users_server}), and the third-party invites by token. Built from the event's auth
 * events, the state before it, or the current state, depending on which check runs. Events are copied in.
 *
 * @param members           {@code m.room.member} events by state key (user ID)
 * @param thirdPartyInvites {@code m.room.third_party_invite} events by state key (token)
 * @param keys              verification keys, for signatures the rules check
 */
public record AuthState(
        Optional<ObjectNode> create,
        Optional<ObjectNode> powerLevels,
        Optional<ObjectNode> joinRules,
        Map<String, ObjectNode> members,
        Map<String, ObjectNode> thirdPartyInvites,
        ServerKeys keys) {

    public AuthState {
        members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
        thirdPartyInvites = Collections.unmodifiableSortedMap(new TreeMap<>(thirdPartyInvites));
    }

    /** No state at all: only an {@code m.room.create} event can pass. */
    public static AuthState empty(ServerKeys keys) {
        return new AuthState(Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Map.of(), keys);
    }

    /** The state made of {@code stateEvents}; events that do not affect authorization are skipped. */
    public static AuthState of(Collection<ObjectNode> stateEvents, ServerKeys keys) {
        AuthState state = empty(keys);
        for (ObjectNode event : stateEvents) {
            state = state.with(event);
        }
        return state;
    }

    /** This state with {@code event} replacing the entry for its type and state key, if it affects authorization. */
    public AuthState with(ObjectNode event) {
        PduView view = new PduView(event);
        Optional<String> stateKey = view.stateKey();
        if (stateKey.isEmpty()) {
            return this;
        }
        ObjectNode copy = event.deepCopy();
        return switch (view.type()) {
            case "m.room.create" -> stateKey.get().isEmpty()
                    ? new AuthState(Optional.of(copy), powerLevels, joinRules, members, thirdPartyInvites, keys)
                    : this;
            case "m.room.power_levels" -> stateKey.get().isEmpty()
                    ? new AuthState(create, Optional.of(copy), joinRules, members, thirdPartyInvites, keys)
                    : this;
            case "m.room.join_rules" -> stateKey.get().isEmpty()
                    ? new AuthState(create, powerLevels, Optional.of(copy), members, thirdPartyInvites, keys)
                    : this;
            case "m.room.member" -> new AuthState(create, powerLevels, joinRules, put(members, stateKey.get(), copy),
                    thirdPartyInvites, keys);
            case "m.room.third_party_invite" -> new AuthState(create, powerLevels, joinRules, members,
                    put(thirdPartyInvites, stateKey.get(), copy), keys);
            default -> this;
        };
    }

    /** The current membership of {@code userId}: {@code leave} when there is no member event or it is unknown. */
    public Membership membership(String userId) {
        return Optional.ofNullable(members.get(userId))
                .flatMap(event -> new PduView(event).membership())
                .flatMap(Membership::parse)
                .orElse(Membership.LEAVE);
    }

    /** {@code content.creator} of the create event. */
    public Optional<String> creator() {
        return create.flatMap(event -> new PduView(event).contentText("creator"));
    }

    /** The effective power levels: from the power levels event, else the defaults of a room without one. */
    public PowerLevels levels() {
        return powerLevels
                .map(event -> PowerLevels.fromContent(new PduView(event).content()))
                .orElseGet(() -> PowerLevels.withoutEvent(creator().orElse("")));
    }

    /**
     * {@code content.join_rule} of the join rules event, as text. When there is none, {@code invite}, as
     * Synapse does: the spec does not say.
     */
    public String joinRule() {
        return joinRules.flatMap(event -> new PduView(event).contentText("join_rule"))
                .orElse(JoinRule.INVITE.value());
    }

    /** The {@code m.room.third_party_invite} event whose state key is {@code token}. */
    public Optional<ObjectNode> thirdPartyInvite(String token) {
        return Optional.ofNullable(thirdPartyInvites.get(token));
    }

    private static Map<String, ObjectNode> put(Map<String, ObjectNode> map, String key, ObjectNode value) {
        SortedMap<String, ObjectNode> copy = new TreeMap<>(map);
        copy.put(key, value);
        return copy;
    }
}
