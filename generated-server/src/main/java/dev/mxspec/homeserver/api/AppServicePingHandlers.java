package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.appservice.AppServiceClient;
import dev.mxspec.homeserver.appservice.AppServiceClient.PingResult;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.PingAppserviceResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PingAppservice;
import dev.mxspec.spec.v1_7.clientserver.server.AppservicePingHandler;
import java.util.Map;
import java.util.function.Consumer;

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

    @Override
    public PingAppserviceResponse pingAppservice(RequestContext context, PingAppservice.Request request) {
        Caller caller = context.principal(Caller.class);
        if (caller.appServiceId().isEmpty()) {
            throw MatrixException.forbidden("only an application service may ping, with its own as_token");
        }
        String serviceId = caller.appServiceId().get();
        if (!serviceId.equals(request.appserviceId())) {
            throw MatrixException.forbidden("the as_token is not that of the application service in the path");
        }
        AppServiceClient client = clients.get(serviceId);
        if (client == null) {
            throw new MatrixException(400, "M_URL_NOT_SET", "the application service has no url configured");
        }
        PingResult result = client.ping(request.body().transactionId());
        return switch (result) {
            case PingResult.Answered a -> {
                serviceIsUp.accept(serviceId);
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
