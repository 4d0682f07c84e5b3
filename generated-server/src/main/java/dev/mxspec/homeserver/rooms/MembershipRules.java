package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.AuthResult.allowed;
import static dev.mxspec.homeserver.rooms.AuthResult.refused;

import dev.mxspec.homeserver.crypto.Verification;
import java.util.List;
import java.util.Optional;

/** The auth rules for {@code m.room.member} events, per room version. */
final class MembershipRules {

    private static final String AUTHORISER = "join_authorised_via_users_server";

    private MembershipRules() {}

    static AuthResult check(PduView pdu, AuthState state, RoomVersion version) {
        Optional<String> stateKey = pdu.stateKey();
        if (stateKey.isEmpty()) {
            return refused(AuthRule.MEMBER_FORMAT, "m.room.member has no state key");
        }
        Optional<String> membershipText = pdu.membership();
        if (membershipText.isEmpty()) {
            return refused(AuthRule.MEMBER_FORMAT, "m.room.member has no membership in content");
        }
        if (version.has(RoomFeature.RESTRICTED_JOINS) && pdu.content().has(AUTHORISER)) {
            Optional<AuthResult> unsigned = checkAuthoriserSignature(pdu, state, version);
            if (unsigned.isPresent()) {
                return unsigned.get();
            }
        }
        Optional<Membership> membership = Membership.parse(membershipText.get())
                .filter(m -> m != Membership.KNOCK || version.has(RoomFeature.KNOCKING));
        if (membership.isEmpty()) {
            return refused(AuthRule.UNKNOWN_MEMBERSHIP, "membership " + membershipText.get()
                    + " is not known in room version " + version.id());
        }
        String target = stateKey.get();
        return switch (membership.get()) {
            case JOIN -> checkJoin(pdu, state, version, target);
            case INVITE -> pdu.content().has("third_party_invite")
                    ? ThirdPartyInviteRules.check(pdu, state, target)
                    : checkInvite(pdu, state, target);
            case LEAVE -> checkLeave(pdu, state, version, target);
            case BAN -> checkBan(pdu, state, target);
            case KNOCK -> checkKnock(pdu, state, version, target);
        };
    }

    private static Optional<AuthResult> checkAuthoriserSignature(PduView pdu, AuthState state, RoomVersion version) {
        Optional<String> server = pdu.contentText(AUTHORISER).flatMap(MatrixIds::serverOf);
        if (server.isEmpty()) {
            return Optional.of(refused(AuthRule.JOIN_AUTHORISATION_SIGNATURE, AUTHORISER + " is not a user ID"));
        }
        Verification signed = EventSigning.verifySignedBy(pdu.json(), server.get(), state.keys(), version);
        return signed instanceof Verification.Failed failed
                ? Optional.of(refused(AuthRule.JOIN_AUTHORISATION_SIGNATURE,
                        "event is not signed by " + server.get() + ", the server of " + AUTHORISER + ": "
                                + failed.reason()))
                : Optional.empty();
    }

    private static AuthResult checkJoin(PduView pdu, AuthState state, RoomVersion version, String target) {
        if (isCreatorsFirstJoin(pdu, state, version, target)) {
            return allowed();
        }
        if (!pdu.sender().equals(target)) {
            return refused(AuthRule.JOIN, "sender " + pdu.sender() + " cannot join on behalf of " + target);
        }
        Membership current = state.membership(target);
        if (current == Membership.BAN) {
            return refused(AuthRule.JOIN, "sender is banned from the room");
        }
        boolean invitedOrJoined = current == Membership.INVITE || current == Membership.JOIN;
        String rule = state.joinRule();
        Optional<JoinRule> joinRule = JoinRule.parse(rule);
        if (joinRule.equals(Optional.of(JoinRule.INVITE))
                || (joinRule.equals(Optional.of(JoinRule.KNOCK)) && version.has(RoomFeature.KNOCKING))) {
            return invitedOrJoined
                    ? allowed()
                    : refused(AuthRule.JOIN, "join rule is " + rule + " and " + target + " is not invited");
        }
        if ((joinRule.equals(Optional.of(JoinRule.RESTRICTED)) && version.has(RoomFeature.RESTRICTED_JOINS))
                || (joinRule.equals(Optional.of(JoinRule.KNOCK_RESTRICTED))
                        && version.has(RoomFeature.KNOCK_RESTRICTED))) {
            return invitedOrJoined ? allowed() : checkAuthoriser(pdu, state, rule);
        }
        if (joinRule.equals(Optional.of(JoinRule.PUBLIC))) {
            return allowed();
        }
        return refused(AuthRule.JOIN, "join rule " + rule + " does not let " + target
                + " join in room version " + version.id());
    }

    /** The only previous event is the create event and the target is its creator. */
    private static boolean isCreatorsFirstJoin(PduView pdu, AuthState state, RoomVersion version, String target) {
        List<String> prevEvents = pdu.prevEventIds();
        return prevEvents.size() == 1
                && state.create().flatMap(create -> EventIds.of(create, version)).equals(Optional.of(prevEvents.get(0)))
                && state.creator().equals(Optional.of(target));
    }

    /** A restricted join needs a joined user who may invite to vouch for it. */
    private static AuthResult checkAuthoriser(PduView pdu, AuthState state, String rule) {
        Optional<String> authoriser = pdu.contentText(AUTHORISER);
        if (authoriser.isEmpty()) {
            return refused(AuthRule.JOIN, "join rule is " + rule + ", the user is not invited and no "
                    + AUTHORISER + " is given");
        }
        if (state.membership(authoriser.get()) != Membership.JOIN) {
            return refused(AuthRule.JOIN, "authorising user " + authoriser.get() + " is not joined to the room");
        }
        PowerLevels levels = state.levels();
        long level = levels.userLevel(authoriser.get());
        if (level < levels.invite()) {
            return refused(AuthRule.JOIN, "authorising user " + authoriser.get() + " has "
                    + AuthRules.tooLow("invite", levels.invite(), level));
        }
        return allowed();
    }

    private static AuthResult checkInvite(PduView pdu, AuthState state, String target) {
        if (state.membership(pdu.sender()) != Membership.JOIN) {
            return refused(AuthRule.INVITE, "sender is not joined to the room");
        }
        Membership current = state.membership(target);
        if (current == Membership.JOIN || current == Membership.BAN) {
            return refused(AuthRule.INVITE, target + " cannot be invited: membership is " + current.value());
        }
        PowerLevels levels = state.levels();
        long senderLevel = levels.userLevel(pdu.sender());
        return senderLevel >= levels.invite()
                ? allowed()
                : refused(AuthRule.INVITE, AuthRules.tooLow("invite", levels.invite(), senderLevel));
    }

    private static AuthResult checkLeave(PduView pdu, AuthState state, RoomVersion version, String target) {
        Membership targetCurrent = state.membership(target);
        if (pdu.sender().equals(target)) {
            boolean mayLeave = targetCurrent == Membership.INVITE || targetCurrent == Membership.JOIN
                    || (targetCurrent == Membership.KNOCK && version.has(RoomFeature.KNOCKING));
            return mayLeave
                    ? allowed()
                    : refused(AuthRule.LEAVE, target + " cannot leave: membership is " + targetCurrent.value());
        }
        if (state.membership(pdu.sender()) != Membership.JOIN) {
            return refused(AuthRule.LEAVE, "sender is not joined to the room");
        }
        PowerLevels levels = state.levels();
        long senderLevel = levels.userLevel(pdu.sender());
        if (targetCurrent == Membership.BAN && senderLevel < levels.ban()) {
            return refused(AuthRule.LEAVE, AuthRules.tooLow("unban " + target, levels.ban(), senderLevel));
        }
        if (senderLevel < levels.kick()) {
            return refused(AuthRule.LEAVE, AuthRules.tooLow("kick " + target, levels.kick(), senderLevel));
        }
        long targetLevel = levels.userLevel(target);
        return targetLevel < senderLevel
                ? allowed()
                : refused(AuthRule.LEAVE, "cannot kick " + target + ": their power level " + targetLevel
                        + " is not below the sender's " + senderLevel);
    }

    private static AuthResult checkBan(PduView pdu, AuthState state, String target) {
        if (state.membership(pdu.sender()) != Membership.JOIN) {
            return refused(AuthRule.BAN, "sender is not joined to the room");
        }
        PowerLevels levels = state.levels();
        long senderLevel = levels.userLevel(pdu.sender());
        if (senderLevel < levels.ban()) {
            return refused(AuthRule.BAN, AuthRules.tooLow("ban " + target, levels.ban(), senderLevel));
        }
        long targetLevel = levels.userLevel(target);
        return targetLevel < senderLevel
                ? allowed()
                : refused(AuthRule.BAN, "cannot ban " + target + ": their power level " + targetLevel
                        + " is not below the sender's " + senderLevel);
    }

    private static AuthResult checkKnock(PduView pdu, AuthState state, RoomVersion version, String target) {
        String rule = state.joinRule();
        Optional<JoinRule> joinRule = JoinRule.parse(rule);
        boolean knockable = joinRule.equals(Optional.of(JoinRule.KNOCK))
                || (joinRule.equals(Optional.of(JoinRule.KNOCK_RESTRICTED))
                        && version.has(RoomFeature.KNOCK_RESTRICTED));
        if (!knockable) {
            return refused(AuthRule.KNOCK, "join rule " + rule + " does not allow knocking in room version "
                    + version.id());
        }
        if (!pdu.sender().equals(target)) {
            return refused(AuthRule.KNOCK, "sender " + pdu.sender() + " cannot knock on behalf of " + target);
        }
        Membership current = state.membership(target);
        return current == Membership.BAN || current == Membership.JOIN
                ? refused(AuthRule.KNOCK, target + " cannot knock: membership is " + current.value())
                : allowed();
    }
}
