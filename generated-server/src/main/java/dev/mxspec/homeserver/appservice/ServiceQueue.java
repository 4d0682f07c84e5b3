package dev.mxspec.homeserver.appservice;

import dev.mxspec.homeserver.core.Wakeup;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.storage.AppServiceStore;
import dev.mxspec.homeserver.storage.AppServiceStore.PendingTxn;
import dev.mxspec.homeserver.storage.AppServiceStore.Queued;
import dev.mxspec.homeserver.storage.AppServiceStore.ServiceState;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.RoomStore;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.appservice.ApplicationServiceSendTransactionRequest;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * One service's worker: sends its queue in order, one transaction at a time, at most
 * {@value AppServiceTransactions#MAX_EVENTS} events each, in the client event format. A transaction is stored (its ID
 * and its body) before it is sent, and sent again unchanged, with the same ID, until the service answers with a
 * success: after a failure it waits longer each time (exponential backoff), and after a restart it goes on with the
 * same transaction. Only then do its events leave the queue and the next transaction is made.
 */
final class ServiceQueue implements Runnable {

    private static final Logger LOG = Logger.getLogger(ServiceQueue.class.getName());

    private final AppServiceClient client;
    private final String serviceId;
    private final AppServiceStore store;
    private final RoomStore events;
    private final LongSupplier clock;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final Wakeup wakeup = new Wakeup();
    private volatile boolean retryNow;
    private volatile int failures;
    private long retryAt;
    private final AtomicLong sent = new AtomicLong();
    private final AppServiceMetrics metrics;

    ServiceQueue(AppServiceClient client, AppServiceStore store, RoomStore events, LongSupplier clock, long initialBackoffMs,
            long maxBackoffMs, AppServiceMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
        this.serviceId = client.service().id();
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        metrics.failuresInARow(serviceId, () -> failures);
    }

    /** Something new is in the queue. */
    void wake() {
        wakeup.wake();
    }

    /** The service is known to be up again (it answered a ping): the backoff is over. */
    void retryNow() {
        retryNow = true;
        wake();
    }

    void close() {
        wakeup.close();
    }

    /** The transactions the service took so far (since start). */
    long transactionsDelivered() {
        return sent.get();
    }

    @Override
    public void run() {
        while (!wakeup.closed()) {
            try {
                step();
            } catch (RuntimeException storageTrouble) { // the database failed us: try again after a pause
                LOG.warning("application service " + serviceId + ": transactions paused after " + storageTrouble.getClass().getSimpleName());
                wakeup.await(initialBackoffMs);
            }
        }
    }

    private void step() {
        long now = clock.getAsLong();
        if (retryAt > now && !retryNow) {
            wakeup.await(retryAt - now);
            return;
        }
        retryNow = false;
        ServiceState state = store.appServiceState(serviceId).orElseThrow(() -> new IllegalStateException("no state for " + serviceId));
        if (state.pending().isEmpty()) {
            List<Queued> queued = store.appServiceQueue(serviceId, AppServiceTransactions.MAX_EVENTS);
            if (queued.isEmpty()) {
                wakeup.await(Long.MAX_VALUE);
                return;
            }
            long upTo = queued.getLast().streamPos();
            Optional<String> body = body(queued, now);
            if (body.isEmpty()) { // none of its events is held any more: nothing to send
                store.appServiceDelivered(serviceId, upTo);
                return;
            }
            state = new ServiceState(serviceId, state.sincePos(), state.nextTxn() + 1,
                    Optional.of(new PendingTxn(now + "." + state.nextTxn(), body.get(), upTo)));
            store.saveAppServiceState(state); // stored before it is sent: after a restart the same transaction goes again
        }
        PendingTxn txn = state.pending().orElseThrow();
        if (send(txn)) {
            store.appServiceDelivered(serviceId, txn.upTo());
            sent.incrementAndGet();
            failures = 0;
            retryAt = 0;
        } else {
            failures++;
            long wait = Math.min(maxBackoffMs, initialBackoffMs << Math.min(failures - 1, 30));
            retryAt = clock.getAsLong() + wait;
        }
    }

    private boolean send(PendingTxn txn) {
        ApplicationServiceSendTransactionRequest body;
        try {
            body = MatrixJson.mapper().readValue(txn.body(), ApplicationServiceSendTransactionRequest.class);
        } catch (IOException e) {
            throw new IllegalStateException("stored transaction is not a transaction", e);
        }
        try {
            client.sendTransaction(txn.txnId(), body).get();
            metrics.taken(serviceId, body.events().size());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wakeup.close();
            return false;
        } catch (ExecutionException e) {
            metrics.failed(serviceId);
            LOG.info("application service " + serviceId + ": transaction " + txn.txnId() + " not taken (" + AppServiceClient.describe(e)
                    + "), failure " + (failures + 1) + " in a row; sent again later");
            return false;
        }
    }

    /** The transaction body of the queued events that are still held, in queue order: empty when none is. */
    private Optional<String> body(List<Queued> queued, long now) {
        Map<String, StoredEvent> byId = new HashMap<>();
        events.events(queued.stream().map(Queued::eventId).distinct().toList()).forEach(e -> byId.put(e.eventId(), e));
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        ArrayNode list = body.putArray("events");
        for (Queued q : queued) {
            StoredEvent e = byId.get(q.eventId());
            if (e != null) {
                list.add(ClientEvents.of(e, "", "", now, true));
            }
        }
        return list.isEmpty() ? Optional.empty() : Optional.of(MatrixJson.write(body));
    }

}
