package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.List;

/** A room's auth state for tests, grown event by event. */
record Room(RoomVersion version, AuthState state) {

    static final String ALICE = "@alice:hs1";
    static final String MOD = "@mod:hs1";
    static final String BOB = "@bob:hs1";
    static final String CAROL = "@carol:hs2";

    /** A room with only alice's create event. */
    static Room created(RoomVersion version) {
        return new Room(version, AuthState.of(List.of(Events.create(ALICE, version)), ServerKeys.none()));
    }

    /**
     * Alice created it and has level 100, mod has 50, bob 0; all three joined; the join rule is {@code joinRule}.
     */
    static Room of(RoomVersion version, String joinRule) {
        return created(version).with(
                Events.member(ALICE, ALICE, "join"),
                Events.state("m.room.power_levels", ALICE, "",
                        "{'users': {'" + ALICE + "': 100, '" + MOD + "': 50}}"),
                Events.state("m.room.join_rules", ALICE, "", "{'join_rule': '" + joinRule + "'}"),
                Events.member(MOD, MOD, "join"),
                Events.member(BOB, BOB, "join"));
    }

    Room with(ObjectNode... events) {
        AuthState next = state;
        for (ObjectNode event : events) {
            next = next.with(event);
        }
        return new Room(version, next);
    }

    /** {@code user}'s membership set to {@code membership}, as if they had sent it. */
    Room member(String user, String membership) {
        return with(Events.member(user, user, membership));
    }

    Room keys(ServerKeys keys) {
        return new Room(version, new AuthState(state.create(), state.powerLevels(), state.joinRules(),
                state.members(), state.thirdPartyInvites(), keys));
    }

    AuthResult check(ObjectNode event) {
        return AuthRules.check(event, state, version);
    }
}
