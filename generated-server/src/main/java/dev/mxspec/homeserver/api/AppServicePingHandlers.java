package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.appservice.AppServiceClient;
import dev.mxspec.homeserver.appservice.AppServiceClient.PingResult;
import dev.mxspec.homeserver.appservice.Registration;
import dev.mxspec.homeserver.appservice.Registrations;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.spec.v1_7.clientserver.PingAppserviceResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PingAppservice;
import dev.mxspec.spec.v1_7.clientserver.server.AppservicePingHandler;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code POST /_matrix/client/v1/appservice/{appserviceId}/ping} (v1.7): an application service, with its own
 * {@code as_token}, has the homeserver call its {@code POST /_matrix/app/v1/ping} and learns how long that took
 * ({@code duration_ms}), or what went wrong: {@code 400 M_URL_NOT_SET} for a service without a {@code url},
 * {@code 504 M_CONNECTION_TIMEOUT}, {@code 502 M_CONNECTION_FAILED}, {@code 502 M_BAD_STATUS} with the service's
 * {@code status} and {@code body}. Anyone else is refused with {@code 403 M_FORBIDDEN}: a user's access token, or
 * another service's {@code as_token} (the ID in the path, known or not, must be the caller's). A service that answers
 * is known to be up: its waiting transactions go at once.
 */
public final class AppServicePingHandlers implements AppservicePingHandler {

    private final Map<String, AppServiceClient> clients;
    private final Consumer<String> serviceIsUp;

    /**
     * @param clients the clients of the services with a {@code url}, by service ID
     * @param serviceIsUp told of a service that answered
     */
    public AppServicePingHandlers(Map<String, AppServiceClient> clients, Consumer<String> serviceIsUp) {
        this.clients = Map.copyOf(clients);
        this.serviceIsUp = serviceIsUp;
    }

    /**
     * The caller of a ping: the application service whose {@code as_token} the request carries (looked up in
     * {@link Registrations#byAsToken}), else whoever the token is of for {@code users} (a user, whom the handler refuses;
     * no token or an unknown one is their 401).
     */
    public static Object callerOfPing(Registrations services, Function<Optional<String>, ?> users, ServerRequest request) {
        Optional<String> token = request.accessToken();
        Optional<Registration> service = token.flatMap(services::byAsToken);
        return service.isPresent() ? service.get() : users.apply(token);
    }

    @Override
    public PingAppserviceResponse pingAppservice(RequestContext context, PingAppservice.Request request) {
        if (!(context.principal(Object.class) instanceof Registration caller)) {
            throw MatrixException.forbidden("only an application service may ping, with its own as_token");
        }
        if (!caller.id().equals(request.appserviceId())) {
            throw MatrixException.forbidden("the as_token is not that of the application service in the path");
        }
        AppServiceClient client = clients.get(caller.id());
        if (client == null) {
            throw new MatrixException(400, "M_URL_NOT_SET", "the application service has no url configured");
        }
        PingResult result = client.ping(request.body().transactionId());
        return switch (result) {
            case PingResult.Answered a -> {
                serviceIsUp.accept(caller.id());
                yield new PingAppserviceResponse(a.durationMs(), Map.of());
            }
            case PingResult.BadStatus b -> {
                ObjectNode extra = MatrixJson.mapper().createObjectNode().put("status", b.status()).put("body", b.body());
                throw new MatrixException(502, "M_BAD_STATUS", "the application service answered the ping with status " + b.status(), extra);
            }
            case PingResult.TimedOut t -> throw new MatrixException(504, "M_CONNECTION_TIMEOUT",
                    "the application service did not answer the ping in time");
            case PingResult.Unreachable u -> throw new MatrixException(502, "M_CONNECTION_FAILED",
                    "the connection to the application service failed (" + u.why() + ")");
        };
    }
}
