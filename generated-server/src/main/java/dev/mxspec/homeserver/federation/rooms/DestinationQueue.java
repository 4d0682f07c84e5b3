package dev.mxspec.homeserver.federation.rooms;

import dev.mxspec.homeserver.core.Wakeup;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.storage.FederationStore;
import dev.mxspec.homeserver.storage.FederationStore.Destination;
import dev.mxspec.homeserver.storage.FederationStore.OutboxItem;
import dev.mxspec.homeserver.storage.FederationStore.PendingTxn;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One destination's worker: sends its outbox in order, one transaction at a time (at most
 * {@value InboundTransactions#MAX_PDUS} PDUs and {@value InboundTransactions#MAX_EDUS} EDUs each). A transaction is
 * stored before it is sent and sent again, unchanged, until the destination answers 200; each failure in a row waits
 * longer ({@link Backoff}). Everything lives in the {@link FederationStore}, so a restart continues where it stopped.
 */
final class DestinationQueue implements Runnable {

    private final String destination;
    private final String serverName;
    private final FederationStore store;
    private final TransactionSender sender;
    private final Backoff backoff;
    private final LongSupplier clock;
    private final Wakeup wakeup = new Wakeup();
    private volatile boolean retryNow;

    DestinationQueue(String destination, String serverName, FederationStore store, TransactionSender sender, Backoff backoff,
            LongSupplier clock) {
        this.destination = destination;
        this.serverName = serverName;
        this.store = store;
        this.sender = sender;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Something new is in the outbox. */
    void wake() {
        wakeup.wake();
    }

    /** The destination was heard from: the backoff is over. */
    void retryNow() {
        retryNow = true;
        wake();
    }

    void close() {
        wakeup.close();
    }

    @Override
    public void run() {
        while (!wakeup.closed()) {
            try {
                step();
            } catch (RuntimeException storageTrouble) { // the database failed us: try again after a pause
                wakeup.await(backoff.initialMs());
            }
        }
    }

    private void step() {
        Destination d = store.destination(destination).orElse(Destination.fresh(destination));
        long now = clock.getAsLong();
        if (d.retryAt() > now && !retryNow) {
            wakeup.await(d.retryAt() - now);
            return;
        }
        retryNow = false;
        if (d.pending().isEmpty()) {
            List<OutboxItem> items = store.outbox(destination, InboundTransactions.MAX_PDUS + InboundTransactions.MAX_EDUS);
            if (items.isEmpty()) {
                wakeup.await(Long.MAX_VALUE);
                return;
            }
            d = new Destination(destination, d.nextTxn() + 1, Optional.of(transaction(d.nextTxn(), items, now)), d.failures(), d.retryAt());
            store.saveDestination(d); // stored before it is sent: after a restart the same transaction goes again
        }
        PendingTxn txn = d.pending().orElseThrow();
        boolean delivered;
        try {
            delivered = sender.send(destination, txn.txnId(), (ObjectNode) ClientEvents.parse(txn.body())).status() == 200;
        } catch (IOException | RuntimeException unreachable) {
            delivered = false;
        }
        if (delivered) {
            store.delivered(destination, txn.upTo(), d.nextTxn());
        } else {
            int failures = d.failures() + 1;
            store.saveDestination(new Destination(destination, d.nextTxn(), d.pending(), failures,
                    clock.getAsLong() + backoff.delayMs(failures)));
        }
    }

    /** The next transaction from the head of the outbox, in order: it stops where a PDU or EDU more would not fit. */
    private PendingTxn transaction(long number, List<OutboxItem> items, long now) {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        body.put("origin", serverName);
        body.put("origin_server_ts", now);
        ArrayNode pdus = body.putArray("pdus");
        ArrayNode edus = MatrixJson.mapper().createArrayNode();
        long upTo = 0;
        for (OutboxItem item : items) {
            boolean pdu = item.kind().equals(FederationSender.PDU);
            if (pdu ? pdus.size() == InboundTransactions.MAX_PDUS : edus.size() == InboundTransactions.MAX_EDUS) {
                break;
            }
            (pdu ? pdus : edus).add(ClientEvents.parse(item.json()));
            upTo = item.seq();
        }
        if (!edus.isEmpty()) {
            body.set("edus", edus);
        }
        return new PendingTxn(now + "." + number, MatrixJson.write(body), upTo);
    }

}
