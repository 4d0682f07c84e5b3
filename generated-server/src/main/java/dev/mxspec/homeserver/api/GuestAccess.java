package dev.mxspec.homeserver.api;

import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.ServerRequest;
import java.util.Set;
import java.util.function.Function;

/**
 * What guest accounts may call: the endpoints the spec's guest access module lists ("Client behaviour"), by operation
 * ID, and a few more Synapse lets guests use ({@code /voip/turnServer}, {@code /keys/changes}, {@code GET /account/3pid},
 * {@code /joined_members}); every other authenticated endpoint answers 403 {@code M_GUEST_ACCESS_FORBIDDEN}. Checked
 * once, where requests are authenticated, so that no handler needs to.
 */
public final class GuestAccess {

    /** The operation IDs guests may call. */
    public static final Set<String> ALLOWED = Set.of(
            // retrieving events; GET /events only "as used for room previews", with a room_id (peekEvents), never the
            // event stream of the whole account (getEvents), which Synapse refuses guests too
            "getRoomState", "getEventContext", "getOneRoomEvent", "getRoomStateWithKey", "getRoomEvents", "getMembersByRoom",
            "roomInitialSync", "sync", "peekEvents",
            // sending events
            "joinRoomById", "joinRoom", "leaveRoom", "sendMessage", "setRoomStateWithKey", "sendToDevice",
            // account maintenance
            "setDisplayName", "getDevices", "getDevice", "updateDevice", "getTokenOwner",
            // end-to-end encryption
            "uploadKeys", "queryKeys", "claimKeys",
            // as Synapse
            "getTurnServer", "getKeysChanges", "getAccount3PIDs", "getJoinedMembersByRoom");

    private final AccountService accounts;

    public GuestAccess(AccountService accounts) {
        this.accounts = accounts;
    }

    /** The caller, when it is not a guest or the endpoint is one guests may call; 403 {@code M_GUEST_ACCESS_FORBIDDEN} otherwise. */
    public Caller check(Endpoint endpoint, Caller caller) {
        if (!ALLOWED.contains(endpoint.name())) {
            refuseGuest(caller);
        }
        return caller;
    }

    /** An authenticator for the requests outside the router's endpoints (media uploads, push rule listings): no guests. */
    public Function<ServerRequest, Caller> refusingGuests(Function<ServerRequest, Caller> authenticate) {
        return request -> refuseGuest(authenticate.apply(request));
    }

    private Caller refuseGuest(Caller caller) {
        if (!caller.isAppService() && accounts.isGuest(caller.userId())) {
            throw new MatrixException(403, "M_GUEST_ACCESS_FORBIDDEN", "guest accounts may not use this endpoint");
        }
        return caller;
    }
}
