package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.KeyLocks;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.federation.FederationMetrics;
import dev.mxspec.homeserver.federation.FederationMetrics.Dropped;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.MissingEventException;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.storage.FederationStore;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.EphemeralDataUnit;
import dev.mxspec.spec.v1_7.serverserver.PDUProcessingResult;
import dev.mxspec.spec.v1_7.serverserver.PDUProcessingResults;
import dev.mxspec.spec.v1_7.serverserver.ServerServerSendTransactionRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Transactions other servers push ({@code PUT /send/{txnId}}): at most {@value #MAX_PDUS} PDUs and {@value #MAX_EDUS}
 * EDUs ({@code M_BAD_JSON} otherwise), the body's {@code origin} the server that sent it ({@code M_FORBIDDEN}
 * otherwise). Each PDU goes through {@link RoomFederation#receive}, every check on receipt; its result is keyed by its
 * event ID: empty when it was taken in (also when it was rejected or soft-failed: the graph keeps it, that is no
 * failure of the transaction), an {@code error} when it was dropped (invalid, not signed by its sender's server, of a
 * room unknown here, following events this server lacks that the origin does not give ({@link MissingPrevEvents}), or
 * of a room whose server ACL denies the origin ({@link RoomAcls})). A PDU may be another server's event: a resident
 * server passes on the joins and leaves other servers make through it, as the spec asks; the event's own signatures
 * vouch for it, not the server that brings it. EDUs follow ({@link InboundEdus}).
 * The answer is kept per origin and transaction ID: the same transaction again gets it without being processed again.
 */
public final class InboundTransactions {

    public static final int MAX_PDUS = 50;
    public static final int MAX_EDUS = 100;

    private final RoomService rooms;
    private final Optional<MissingPrevEvents> gaps;
    private final FederationStore store;
    private final InboundEdus edus;
    private final RoomAcls acls;
    private final ServerKeys keys;
    private final LongSupplier clock;
    private final FederationMetrics metrics;
    private final KeyLocks locks = new KeyLocks(64);
    private final List<Consumer<String>> heardFrom = new CopyOnWriteArrayList<>();

    public InboundTransactions(RoomService rooms, FederationStore store, InboundEdus edus, ServerKeys keys, LongSupplier clock) {
        this(rooms, store, edus, keys, clock, Optional.empty());
    }

    /** With {@code gaps}, a PDU whose prev events this server lacks is taken in after asking the origin for them. */
    public InboundTransactions(RoomService rooms, FederationStore store, InboundEdus edus, ServerKeys keys, LongSupplier clock,
            Optional<MissingPrevEvents> gaps) {
        this(rooms, store, edus, keys, clock, gaps, FederationMetrics.unregistered());
    }

    /** Counting each PDU's result in {@code metrics}. */
    public InboundTransactions(RoomService rooms, FederationStore store, InboundEdus edus, ServerKeys keys, LongSupplier clock,
            Optional<MissingPrevEvents> gaps, FederationMetrics metrics) {
        this.metrics = metrics;
        this.gaps = gaps;
        this.rooms = rooms;
        this.store = store;
        this.edus = edus;
        this.acls = new RoomAcls(rooms);
        this.keys = keys;
        this.clock = clock;
    }

    /** Adds a listener told of each server a transaction came from (the sender retries a server it hears from at once). */
    public void onHeardFrom(Consumer<String> listener) {
        heardFrom.add(listener);
    }

    /** Processes a transaction of {@code origin} once; its answer. */
    public PDUProcessingResults receive(String origin, String txnId, ServerServerSendTransactionRequest body) {
        if (!body.origin().equals(origin)) {
            throw MatrixException.forbidden("the transaction's origin " + body.origin() + " is not the server that sent it, " + origin);
        }
        List<EphemeralDataUnit> ephemeral = body.edus().orElse(List.of());
        if (body.pdus().size() > MAX_PDUS || ephemeral.size() > MAX_EDUS) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON,
                    "a transaction carries at most " + MAX_PDUS + " PDUs and " + MAX_EDUS + " EDUs");
        }
        heardFrom.forEach(l -> l.accept(origin));
        synchronized (locks.of(origin)) { // one transaction of a server at a time: a repeat waits for the first's answer
            Optional<String> earlier = store.receivedTxn(origin, txnId);
            if (earlier.isPresent()) {
                return parse(earlier.get());
            }
            Map<String, PDUProcessingResult> results = new LinkedHashMap<>();
            for (JsonNode pdu : body.pdus()) {
                if (pdu instanceof ObjectNode event) {
                    eventId(event).ifPresent(id -> results.put(id, process(origin, event)));
                }
            }
            for (EphemeralDataUnit edu : ephemeral) {
                edus.apply(origin, edu.eduType(), edu.content());
            }
            PDUProcessingResults answer = new PDUProcessingResults(results, Map.of());
            store.saveReceivedTxn(origin, txnId, MatrixJson.write(answer), clock.getAsLong());
            return answer;
        }
    }

    private PDUProcessingResult process(String origin, ObjectNode pdu) {
        String roomId = pdu.path("room_id").asText("");
        if (!acls.allows(roomId, origin)) {
            metrics.dropped(Dropped.ACL_DENIED);
            return error("M_FORBIDDEN: the server ACL of room " + roomId + " denies " + origin);
        }
        try {
            try { // rejected and soft-failed events are kept, and are no error of the transaction
                metrics.received(rooms.federation().receive(pdu, keys).status());
            } catch (MissingEventException missing) {
                if (gaps.isEmpty()) {
                    throw missing;
                }
                metrics.received(gaps.get().receive(origin, pdu).status());
            }
            return new PDUProcessingResult(Optional.empty(), Map.of());
        } catch (MissingEventException missing) {
            metrics.dropped(Dropped.MISSING_EVENTS);
            return error("this server lacks " + missing.eventId() + ", which the event follows or cites");
        } catch (MatrixException refused) {
            metrics.dropped(refused.errcode());
            return error(refused.errcode() + ": " + refused.error());
        }
    }

    /** The ID of an event of the transaction: in the event (room versions 1 and 2) or its reference hash; empty when it has none. */
    private Optional<String> eventId(ObjectNode pdu) {
        String roomId = pdu.path("room_id").asText("");
        String known;
        try {
            known = rooms.room(roomId).roomVersion();
        } catch (MatrixException unknownRoom) { // named as in the default version; receiving it answers the error
            known = rooms.rules().defaultVersion();
        }
        RoomVersion version = RoomVersions.of(known).orElseGet(() -> RoomVersions.of(rooms.rules().defaultVersion()).orElseThrow());
        try {
            return EventIds.of(pdu, version);
        } catch (RuntimeException unnamed) { // not an event at all: no ID to answer for
            return Optional.empty();
        }
    }

    private static PDUProcessingResult error(String why) {
        return new PDUProcessingResult(Optional.of(why), Map.of());
    }

    private static PDUProcessingResults parse(String json) {
        try {
            return MatrixJson.read(json, PDUProcessingResults.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored transaction answer is not JSON", e);
        }
    }
}
