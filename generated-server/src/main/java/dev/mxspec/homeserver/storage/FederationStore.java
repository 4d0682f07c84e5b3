package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/**
 * Federation transactions: the answers given to transactions received (a transaction sent again is answered the
 * same), and per destination the outbox of PDUs and EDUs waiting to be sent, the transaction being sent and the
 * backoff after failures.
 */
public interface FederationStore {

    /** An entry of a destination's outbox: {@code kind} is {@code pdu} or {@code edu}, {@code json} what the transaction carries. */
    record OutboxItem(String destination, long seq, String kind, String json) {}

    /** A transaction being sent: sent again unchanged until it is answered; it carries the outbox up to {@code upTo}. */
    record PendingTxn(String txnId, String body, long upTo) {}

    /** A destination's sending state. */
    record Destination(String destination, long nextTxn, Optional<PendingTxn> pending, int failures, long retryAt) {
        public static Destination fresh(String destination) {
            return new Destination(destination, 1, Optional.empty(), 0, 0);
        }
    }

    /** The answer given to a transaction of {@code origin}, if it was received before. */
    Optional<String> receivedTxn(String origin, String txnId);

    /** Keeps the answer given to a transaction; false when one was kept already. */
    boolean saveReceivedTxn(String origin, String txnId, String response, long ts);

    /** Adds entries to outboxes. */
    void enqueue(List<OutboxItem> items);

    /** The first entries of a destination's outbox, in order. */
    List<OutboxItem> outbox(String destination, int limit);

    /** The highest outbox seq given so far, 0 when none. */
    long maxOutboxSeq();

    /** Destinations with something to send: outbox entries or a transaction being sent. */
    List<String> destinationsWithWork();

    Optional<Destination> destination(String destination);

    /** Stores a destination's sending state (its next transaction, the one being sent, its backoff). */
    void saveDestination(Destination destination);

    /** A transaction was answered: its outbox entries leave, nothing is pending, the backoff is over. */
    void delivered(String destination, long upTo, long nextTxn);
}
