package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/** The SQL of {@link FederationStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcFederationStore extends FederationStore {

    Jdbc jdbc();

    @Override
    default Optional<String> receivedTxn(String origin, String txnId) {
        return jdbc().one("SELECT response FROM federation_received_txns WHERE origin = ? AND txn_id = ?", rs -> rs.getString(1),
                origin, txnId);
    }

    @Override
    default boolean saveReceivedTxn(String origin, String txnId, String response, long ts) {
        return jdbc().update("INSERT INTO federation_received_txns (origin, txn_id, response, received_ts) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (origin, txn_id) DO NOTHING", origin, txnId, response, ts) == 1;
    }

    @Override
    default void enqueue(List<OutboxItem> items) {
        if (items.isEmpty()) {
            return;
        }
        jdbc().transaction(c -> {
            for (OutboxItem i : items) {
                Jdbc.update(c, "INSERT INTO federation_outbox (destination, seq, kind, json) VALUES (?, ?, ?, ?)", i.destination(), i.seq(),
                        i.kind(), i.json());
            }
            return null;
        });
    }

    @Override
    default List<OutboxItem> outbox(String destination, int limit) {
        return jdbc().query("SELECT destination, seq, kind, json FROM federation_outbox WHERE destination = ? ORDER BY seq LIMIT ?",
                rs -> new OutboxItem(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)), destination, limit);
    }

    @Override
    default long maxOutboxSeq() {
        return jdbc().one("SELECT MAX(seq) FROM federation_outbox", rs -> rs.getLong(1)).orElse(0L);
    }

    @Override
    default List<String> destinationsWithWork() {
        return jdbc().query("SELECT DISTINCT destination FROM federation_outbox UNION "
                + "SELECT destination FROM federation_destinations WHERE pending_txn IS NOT NULL", rs -> rs.getString(1));
    }

    @Override
    default Optional<Destination> destination(String destination) {
        return jdbc().one("SELECT destination, next_txn, pending_txn, pending_body, pending_up_to, failures, retry_at "
                + "FROM federation_destinations WHERE destination = ?", rs -> {
                    String txn = rs.getString(3);
                    Optional<PendingTxn> pending = txn == null ? Optional.empty()
                            : Optional.of(new PendingTxn(txn, rs.getString(4), rs.getLong(5)));
                    return new Destination(rs.getString(1), rs.getLong(2), pending, rs.getInt(6), rs.getLong(7));
                }, destination);
    }

    @Override
    default void saveDestination(Destination d) {
        jdbc().update("INSERT INTO federation_destinations (destination, next_txn, pending_txn, pending_body, pending_up_to, failures, "
                + "retry_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (destination) DO UPDATE SET next_txn = excluded.next_txn, "
                + "pending_txn = excluded.pending_txn, pending_body = excluded.pending_body, pending_up_to = excluded.pending_up_to, "
                + "failures = excluded.failures, retry_at = excluded.retry_at", d.destination(), d.nextTxn(),
                d.pending().map(PendingTxn::txnId), d.pending().map(PendingTxn::body), d.pending().map(PendingTxn::upTo), d.failures(),
                d.retryAt());
    }

    @Override
    default void delivered(String destination, long upTo, long nextTxn) {
        jdbc().transaction(c -> {
            Jdbc.update(c, "DELETE FROM federation_outbox WHERE destination = ? AND seq <= ?", destination, upTo);
            Jdbc.update(c, "UPDATE federation_destinations SET pending_txn = NULL, pending_body = NULL, pending_up_to = NULL, "
                    + "failures = 0, retry_at = 0, next_txn = ? WHERE destination = ?", nextTxn, destination);
            return null;
        });
    }
}
