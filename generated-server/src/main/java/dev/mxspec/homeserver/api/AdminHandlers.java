package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.storage.DeviceActivityStore;
import dev.mxspec.homeserver.storage.DeviceActivityStore.DeviceActivity;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.GetWhoIsResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetWhoIs;
import dev.mxspec.spec.v1_7.clientserver.server.AdminHandler;

/**
 * {@code GET /admin/whois/{userId}}: a user's devices with their last request (address, time, client), for the user
 * himself or a server administrator (403 {@code M_FORBIDDEN} for anyone else), as the spec allows restricting it. Each
 * device is one session with one connection: the last one the server noted.
 */
public final class AdminHandlers implements AdminHandler {

    private final AccountService accounts;
    private final DeviceActivityStore activity;
    private final String serverName;

    public AdminHandlers(AccountService accounts, DeviceActivityStore activity, String serverName) {
        this.accounts = accounts;
        this.activity = activity;
        this.serverName = serverName;
    }

    @Override
    public GetWhoIsResponse getWhoIs(RequestContext context, GetWhoIs.Request request) {
        Caller caller = caller(context);
        String target = request.userId();
        boolean admin = accounts.user(caller.userId()).map(u -> u.admin() && !u.deactivated()).orElse(false);
        if (!target.equals(caller.userId()) && !admin) {
            throw MatrixException.forbidden("only a server administrator may look up another user");
        }
        if (!target.endsWith(":" + serverName)) {
            throw MatrixException.invalidParam("userId", "only users of this server can be looked up");
        }
        if (accounts.user(target).isEmpty()) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such user");
        }
        ObjectNode out = MatrixJson.mapper().createObjectNode().put("user_id", target);
        ObjectNode devices = out.putObject("devices");
        for (DeviceActivity d : activity.deviceActivity(target)) {
            var connections = devices.putObject(d.deviceId()).putArray("sessions").addObject().putArray("connections");
            if (d.lastSeenTs().isPresent()) {
                ObjectNode c = connections.addObject();
                d.lastSeenIp().ifPresent(ip -> c.put("ip", ip));
                c.put("last_seen", d.lastSeenTs().get());
                d.userAgent().ifPresent(ua -> c.put("user_agent", ua));
            }
        }
        return Handlers.typed(out, GetWhoIsResponse.class);
    }
}
