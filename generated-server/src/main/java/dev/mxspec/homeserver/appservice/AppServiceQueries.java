package dev.mxspec.homeserver.appservice;

import dev.mxspec.homeserver.appservice.AppServiceClient.QueryAnswer;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Asks application services about users and aliases of this server that do not exist here
 * ({@code GET /_matrix/app/v1/users/{userId}}, {@code /rooms/{roomAlias}}), so that a bridge can make them on
 * demand: the services whose namespaces hold the ID are asked one after another until one answers 200, which means it
 * made the user or alias (through the Client-Server API) before answering. A service that does not answer in time is
 * asked again, {@value #ATTEMPTS} times in all; when no service said yes and one never answered, the client gets
 * {@code 408}, as the spec says.
 */
public final class AppServiceQueries {

    private static final Logger LOG = Logger.getLogger(AppServiceQueries.class.getName());
    static final int ATTEMPTS = 3;

    private final List<AppServiceClient> clients;
    private final String serverName;

    public AppServiceQueries(List<AppServiceClient> clients, String serverName) {
        this.clients = List.copyOf(clients);
        this.serverName = serverName;
    }

    /** Whether a service made the user, a local user in its user namespaces; {@code 408} when one never answered. */
    public boolean userMadeByService(String userId) {
        return ask(userId, userId.endsWith(":" + serverName) ? c -> c.service().userInNamespace(userId) : c -> false,
                AppServiceClient::queryUser, "user");
    }

    /** Whether a service made the alias, an alias of this server in its alias namespaces; {@code 408} when one never answered. */
    public boolean aliasMadeByService(String alias) {
        return ask(alias, alias.endsWith(":" + serverName) ? c -> c.service().aliasInNamespace(alias) : c -> false,
                AppServiceClient::queryAlias, "alias");
    }

    private boolean ask(String id, Predicate<AppServiceClient> holds, BiFunction<AppServiceClient, String, CompletableFuture<QueryAnswer>> query,
            String kind) {
        String silent = null;
        for (AppServiceClient c : clients) {
            if (!holds.test(c)) {
                continue;
            }
            QueryAnswer answer = QueryAnswer.NO_ANSWER;
            for (int attempt = 0; attempt < ATTEMPTS && answer == QueryAnswer.NO_ANSWER; attempt++) {
                answer = query.apply(c, id).join();
            }
            if (answer == QueryAnswer.EXISTS) {
                return true;
            }
            if (answer == QueryAnswer.NO_ANSWER) {
                LOG.info("application service " + c.service().id() + " did not answer a " + kind + " query in time");
                silent = c.service().id();
            }
        }
        if (silent != null) {
            throw new MatrixException(408, ErrorCodes.M_UNKNOWN, "the application service in whose namespace the " + kind
                    + " is did not answer in time");
        }
        return false;
    }
}
