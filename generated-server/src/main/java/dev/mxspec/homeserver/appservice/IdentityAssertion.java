package dev.mxspec.homeserver.appservice;

import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Secrets;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.DeviceActivity;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.ServerRequest;
import java.util.Optional;

/**
 * Who a request is ({@code application-service-api.md}, "Identity assertion"): an access token that is a service's
 * {@code as_token} acts as the service's sender or, with {@code ?user_id=}, as a registered user of this server in the
 * service's user namespaces; any other token is a user's ({@link AccountService#authenticate}). A service's request has
 * no device ({@link Caller#device()}): v1.7 lets a service assert a user, not a device.
 *
 * <p>The refusals are Synapse's: {@code 403 M_FORBIDDEN} for a user the service may not act as (outside its namespaces,
 * or of another server), and for one it has not registered yet.
 */
public final class IdentityAssertion {

    private final Registrations services;
    private final AccountService accounts;
    private final String serverName;
    private volatile Optional<DeviceActivity> activity = Optional.empty();

    public IdentityAssertion(Registrations services, AccountService accounts, String serverName) {
        this.services = services;
        this.accounts = accounts;
        this.serverName = serverName;
    }

    /** The caller of a request: {@code M_MISSING_TOKEN}, {@code M_UNKNOWN_TOKEN} or the refusals above otherwise. */
    public Caller authenticate(ServerRequest request) {
        Optional<String> token = request.accessToken();
        Optional<Registration> service = token.flatMap(services::byAsToken);
        if (service.isEmpty()) {
            Caller caller = accounts.authenticate(token);
            activity.ifPresent(a -> a.seen(caller, request.remoteAddress(), request.header("User-Agent")));
            return caller;
        }
        return actAs(service.get(), request.queryValue("user_id"), token.get());
    }

    /** Notes each user request's device, address and client ({@code last_seen_*}, {@code /admin/whois}). */
    public IdentityAssertion noting(DeviceActivity activity) {
        this.activity = Optional.of(activity);
        return this;
    }

    /** The service whose {@code as_token} this is, if it is one. */
    public Optional<Registration> service(Optional<String> token) {
        return token.flatMap(services::byAsToken);
    }

    private Caller actAs(Registration service, Optional<String> asserted, String token) {
        String userId = asserted.orElse(service.senderUserId());
        if (!userId.equals(service.senderUserId())) {
            if (!isLocal(userId) || !service.userInNamespace(userId)) {
                throw MatrixException.forbidden("the application service cannot masquerade as this user (" + shown(userId) + ")");
            }
            if (accounts.user(userId).isEmpty()) {
                throw MatrixException.forbidden("the application service has not registered this user (" + shown(userId) + ")");
            }
        }
        boolean rateLimited = service.rateLimited() && !userId.equals(service.senderUserId());
        return Caller.ofAppService(userId, service.id(), Secrets.tokenHash(token), rateLimited);
    }

    /** Makes each service's sender user, when it does not exist yet (at start, as Synapse treats the sender as registered). */
    public void createSenders() {
        for (Registration r : services.all()) {
            if (accounts.user(r.senderUserId()).isEmpty()) {
                accounts.createWithoutPassword(r.senderUserId());
            }
        }
    }

    private boolean isLocal(String userId) {
        return userId.startsWith("@") && userId.endsWith(":" + serverName) && userId.indexOf(':') == userId.length() - serverName.length() - 1;
    }

    /** A user ID as an error message shows it: at most 255 characters of what the client sent. */
    static String shown(String userId) {
        return userId.length() <= 255 ? userId : userId.substring(0, 255) + "...";
    }

    static MatrixException exclusive(String message) {
        return new MatrixException(400, ErrorCodes.M_EXCLUSIVE, message);
    }
}
