package dev.mxspec.homeserver.appservice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.storage.Records.User;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.Optional;

/**
 * The accounts of application services ({@code application-service-api.md}, "Server admin style permissions"): a
 * service registers users of its namespaces with {@code m.login.application_service} and its {@code as_token}, without
 * interactive authentication and whatever the server's {@code registration} setting, and logs in as them the same way.
 * Outside its namespaces, or in another service's exclusive namespace, it gets {@code 400 M_EXCLUSIVE}.
 */
public final class ServiceAccounts {

    /** The login and registration type of application services. */
    public static final String TYPE = "m.login.application_service";

    private final Registrations services;
    private final AccountService accounts;
    private final String serverName;

    public ServiceAccounts(Registrations services, AccountService accounts, String serverName) {
        this.services = services;
        this.accounts = accounts;
        this.serverName = serverName;
    }

    /** Whether any application service is configured (else {@code m.login.application_service} is not offered). */
    public boolean any() {
        return !services.isEmpty();
    }

    /** The service whose {@code as_token} a request carries: 401 without a token, or with one that is no service's. */
    public Registration service(Optional<String> token) {
        if (token.isEmpty()) {
            throw new MatrixException(401, ErrorCodes.M_MISSING_TOKEN, TYPE + " needs the application service's as_token");
        }
        return services.byAsToken(token.get())
                .orElseThrow(() -> new MatrixException(401, ErrorCodes.M_UNKNOWN_TOKEN, TYPE + " is only for application services"));
    }

    /** Registers {@code username} (a localpart) for the service; its user ID. */
    public String register(Registration service, String username) {
        String userId = Ids.userId(username, serverName);
        requireMayHave(service, userId, "register");
        if (!accounts.createWithoutPassword(userId)) {
            throw new MatrixException(400, ErrorCodes.M_USER_IN_USE, "user ID already taken");
        }
        return userId;
    }

    /** The user a service logs in as: {@code identifier} must be {@code m.id.user} with a user of its namespaces. */
    public String loginAs(Registration service, Optional<String> identifierType, Optional<JsonNode> user) {
        if (!identifierType.map("m.id.user"::equals).orElse(false)) {
            throw MatrixException.invalidParam("identifier", TYPE + " takes an identifier of type m.id.user");
        }
        if (user.isEmpty() || !user.get().isTextual()) {
            throw MatrixException.invalidParam("identifier.user", "expected the user ID or localpart as a string");
        }
        String userId;
        try {
            userId = Ids.userId(user.get().textValue(), serverName);
        } catch (MatrixException notOurs) {
            throw IdentityAssertion.exclusive("the application service may log in only as users of its namespaces on this server");
        }
        requireMayHave(service, userId, "log in as");
        User account = accounts.user(userId).orElseThrow(() -> MatrixException.forbidden("the application service has not registered this user"));
        if (account.deactivated()) {
            throw new MatrixException(403, ErrorCodes.M_USER_DEACTIVATED, "this account has been deactivated");
        }
        return userId;
    }

    /** {@code M_EXCLUSIVE} unless the user is the service's sender or in its namespaces, and no other service holds it. */
    private void requireMayHave(Registration service, String userId, String what) {
        if (!service.mayActAs(userId)) {
            throw IdentityAssertion.exclusive("the application service may " + what + " only users of its namespaces");
        }
        accounts.requireNotHeld(userId, Optional.of(service.id()));
    }
}
