package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.storage.Records.StoredEvent;

/**
 * The two event formats of a filter's {@code event_format}: {@code client} (the ClientEvent
 * format, the default) and {@code federation} (the PDU as the server stored it: {@code auth_events},
 * {@code prev_events}, {@code depth}, {@code hashes}, {@code signatures}, {@code origin} and the
 * rest), both with {@code event_id} and {@code unsigned.age}, as Synapse serves them.
 */
final class EventFormat {

    private EventFormat() {}

    static ObjectNode of(StoredEvent e, Caller caller, long now, boolean federation) {
        if (!federation) {
            return ClientEvents.of(e, caller.userId(), caller.transactionScope(), now, false);
        }
        ObjectNode pdu = (ObjectNode) ClientEvents.parse(e.json());
        pdu.put("event_id", e.eventId());
        ObjectNode unsigned = pdu.withObjectProperty("unsigned");
        unsigned.put("age", Math.max(0, now - e.originServerTs()));
        e.txn().filter(t -> e.sender().equals(caller.userId()) && t.deviceId().equals(caller.transactionScope()))
                .ifPresent(t -> unsigned.put("transaction_id", t.txnId()));
        return pdu;
    }
}
