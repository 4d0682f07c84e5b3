package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.util.List;
import java.util.Optional;

/** The SQL of {@link AppServiceStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcAppServiceStore extends AppServiceStore {

    String INTEREST = "interest";

    Jdbc jdbc();

    @Override
    default Optional<Long> interestPosition() {
        return jdbc().one("SELECT position FROM appservice_stream WHERE name = ?", rs -> rs.getLong(1), INTEREST);
    }

    @Override
    default void enqueueForAppServices(List<Queued> queued, long lookedAtUpTo) {
        jdbc().transaction(c -> {
            for (Queued q : queued) {
                Jdbc.update(c, "INSERT INTO appservice_queue (service_id, stream_pos, event_id) VALUES (?, ?, ?) "
                        + "ON CONFLICT (service_id, stream_pos) DO NOTHING", q.serviceId(), q.streamPos(), q.eventId());
            }
            Jdbc.update(c, "INSERT INTO appservice_stream (name, position) VALUES (?, ?) "
                    + "ON CONFLICT (name) DO UPDATE SET position = excluded.position", INTEREST, lookedAtUpTo);
            return null;
        });
    }

    @Override
    default List<StoredEvent> timelineEvents(long after, long upTo, int limit) {
        return jdbc().query("SELECT * FROM events WHERE stream_pos > ? AND stream_pos <= ? AND status IS NULL ORDER BY stream_pos LIMIT ?",
                JdbcRoomStore::event, Math.max(0, after), upTo, limit);
    }

    @Override
    default List<StoredEvent> outsideMemberships(long after, long upTo) {
        return jdbc().query("SELECT e.*, m.stream_pos AS membership_pos FROM memberships m JOIN events e ON e.event_id = m.event_id "
                + "WHERE m.stream_pos > ? AND m.stream_pos <= ? AND e.stream_pos < 0 ORDER BY m.stream_pos", rs -> {
                    StoredEvent e = JdbcRoomStore.event(rs);
                    return new StoredEvent(rs.getLong("membership_pos"), e.eventId(), e.roomId(), e.type(), e.stateKey(), e.sender(),
                            e.originServerTs(), e.depth(), e.json(), e.redactedBy(), e.txn());
                }, after, upTo);
    }

    @Override
    default List<Queued> appServiceQueue(String serviceId, int limit) {
        return jdbc().query("SELECT service_id, stream_pos, event_id FROM appservice_queue WHERE service_id = ? ORDER BY stream_pos LIMIT ?",
                rs -> new Queued(rs.getString(1), rs.getLong(2), rs.getString(3)), serviceId, limit);
    }

    @Override
    default Optional<ServiceState> appServiceState(String serviceId) {
        return jdbc().one("SELECT service_id, since_pos, next_txn, pending_txn, pending_body, pending_up_to FROM appservice_states "
                + "WHERE service_id = ?", rs -> {
                    String txn = rs.getString(4);
                    Optional<PendingTxn> pending = txn == null ? Optional.empty() : Optional.of(new PendingTxn(txn, rs.getString(5), rs.getLong(6)));
                    return new ServiceState(rs.getString(1), rs.getLong(2), rs.getLong(3), pending);
                }, serviceId);
    }

    @Override
    default void saveAppServiceState(ServiceState s) {
        jdbc().update("INSERT INTO appservice_states (service_id, since_pos, next_txn, pending_txn, pending_body, pending_up_to) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (service_id) DO UPDATE SET since_pos = excluded.since_pos, "
                + "next_txn = excluded.next_txn, pending_txn = excluded.pending_txn, pending_body = excluded.pending_body, "
                + "pending_up_to = excluded.pending_up_to", s.serviceId(), s.sincePos(), s.nextTxn(),
                s.pending().map(PendingTxn::txnId), s.pending().map(PendingTxn::body), s.pending().map(PendingTxn::upTo));
    }

    @Override
    default void appServiceDelivered(String serviceId, long upTo) {
        jdbc().transaction(c -> {
            Jdbc.update(c, "DELETE FROM appservice_queue WHERE service_id = ? AND stream_pos <= ?", serviceId, upTo);
            Jdbc.update(c, "UPDATE appservice_states SET pending_txn = NULL, pending_body = NULL, pending_up_to = NULL WHERE service_id = ?",
                    serviceId);
            return null;
        });
    }
}
