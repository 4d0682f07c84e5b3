package dev.mxspec.homeserver.appservice;

import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.services.Memberships;
import dev.mxspec.homeserver.storage.Storage;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where the homeserver calls its application services: the transactions of events they are interested in, the
 * queries for users and aliases they may make, the third-party networks they bridge to; and the clients the ping
 * goes through. Built from the registrations; services without a {@code url} get no calls.
 */
public final class AppServices implements AutoCloseable {

    /** The first wait after a service failed a transaction, doubled on each further failure up to {@link #MAX_BACKOFF_MS}. */
    public static final long INITIAL_BACKOFF_MS = 1_000;
    public static final long MAX_BACKOFF_MS = 10 * 60 * 1000L;

    private final Map<String, AppServiceClient> clients;
    private final AppServiceTransactions transactions;
    private final AppServiceQueries queries;
    private final ThirdPartyNetworks thirdParty;
    private final HttpClient http;

    private AppServices(Map<String, AppServiceClient> clients, AppServiceTransactions transactions, AppServiceQueries queries,
            ThirdPartyNetworks thirdParty, HttpClient http) {
        this.clients = clients;
        this.transactions = transactions;
        this.queries = queries;
        this.thirdParty = thirdParty;
        this.http = http;
    }

    public static AppServices create(Registrations registrations, Storage storage, Memberships memberships, StreamCounter stream,
            String serverName, LongSupplier clock, AppServiceClient.Timeouts timeouts, AppServiceMetrics metrics) {
        HttpClient http = AppServiceClient.httpClient();
        Map<String, AppServiceClient> clients = new LinkedHashMap<>();
        for (Registration r : registrations.all()) {
            AppServiceClient.of(r, http, timeouts).ifPresent(c -> clients.put(r.id(), c));
        }
        List<AppServiceClient> list = List.copyOf(clients.values());
        Interest interest = new Interest(list.stream().map(AppServiceClient::service).toList(), serverName,
                new StoredRoomFacts(memberships, storage, storage));
        AppServiceTransactions transactions = new AppServiceTransactions(list, storage, storage, stream, interest, clock, INITIAL_BACKOFF_MS,
                MAX_BACKOFF_MS, metrics);
        return new AppServices(Map.copyOf(clients), transactions, new AppServiceQueries(list, serverName), new ThirdPartyNetworks(list), http);
    }

    /** The clients of the services with a {@code url}, by service ID. */
    public Map<String, AppServiceClient> clients() {
        return clients;
    }

    public AppServiceTransactions transactions() {
        return transactions;
    }

    public AppServiceQueries queries() {
        return queries;
    }

    public ThirdPartyNetworks thirdParty() {
        return thirdParty;
    }

    /** Starts sending transactions (after a restart, from where they stopped). */
    public void start() {
        transactions.start();
    }

    /** Stops sending: calls in flight are given up first (a transaction in flight is sent again at the next start). */
    @Override
    public void close() {
        http.shutdownNow();
        transactions.close();
    }
}
