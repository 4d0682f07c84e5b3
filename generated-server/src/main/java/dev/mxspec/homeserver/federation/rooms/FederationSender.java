package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.homeserver.storage.FederationStore;
import dev.mxspec.homeserver.storage.FederationStore.OutboxItem;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Outgoing federation: this server's new events ({@link RoomService#onLocalEvent}) and its users' typing and
 * {@code m.read} receipts ({@link UserStreams#listen}) go, in order, to every other server with a user joined to the
 * room (and, for a membership event, to the server of its target). Each destination has an outbox in the
 * {@link FederationStore} and a {@link DestinationQueue} working through it, so what is sent survives a restart and
 * a destination that was down gets everything once it is back.
 */
public final class FederationSender implements RoomService.LocalEvents, UserStreams.Listener, AutoCloseable {

    static final String PDU = "pdu";
    static final String EDU = "edu";

    private final FederationStore store;
    private final RoomService rooms;
    private final TransactionSender sender;
    private final String serverName;
    private final LongSupplier clock;
    private final Backoff backoff;
    private final Map<String, DestinationQueue> queues = new ConcurrentHashMap<>();
    private final Map<String, Thread> workers = new ConcurrentHashMap<>();
    /** Seqs are given and written under this lock, so a destination's outbox never gains an entry behind one already read. */
    private final Object enqueueing = new Object();
    private long seq;
    private volatile boolean closed;

    public FederationSender(FederationStore store, RoomService rooms, TransactionSender sender, String serverName, LongSupplier clock,
            Backoff backoff) {
        this.store = store;
        this.rooms = rooms;
        this.sender = sender;
        this.serverName = serverName;
        this.clock = clock;
        this.backoff = backoff;
        this.seq = store.maxOutboxSeq();
    }

    /** Starts the workers of the destinations with something left to send (after a restart). */
    public void start() {
        store.destinationsWithWork().forEach(d -> queue(d).wake());
    }

    @Override
    public void stored(String roomId, String eventId, ObjectNode pdu) {
        Set<String> destinations = destinations(roomId);
        if (pdu.path("type").asText().equals("m.room.member") && pdu.path("state_key").isTextual()) {
            destinations.add(ServerVisibility.serverOf(pdu.path("state_key").asText()));
        }
        destinations.remove(ServerVisibility.serverOf(pdu.path("sender").asText())); // an event relayed here: not back to its origin
        ObjectNode event = pdu.deepCopy();
        event.remove("unsigned"); // this server's own additions (prev_content, replaces_state) are not part of the PDU
        enqueue(destinations, PDU, MatrixJson.write(event));
    }

    @Override
    public void typing(String roomId, String userId, boolean typing, long timeoutMs) {
        if (!local(userId)) {
            return;
        }
        ObjectNode edu = MatrixJson.mapper().createObjectNode().put("edu_type", "m.typing");
        edu.putObject("content").put("room_id", roomId).put("user_id", userId).put("typing", typing);
        enqueue(destinations(roomId), EDU, MatrixJson.write(edu));
    }

    @Override
    public void receipt(String roomId, String userId, String type, String eventId, Optional<String> threadId, long ts) {
        if (!local(userId) || !type.equals("m.read")) { // private receipts stay here
            return;
        }
        ObjectNode edu = MatrixJson.mapper().createObjectNode().put("edu_type", "m.receipt");
        ObjectNode receipt = edu.putObject("content").putObject(roomId).putObject("m.read").putObject(userId);
        receipt.putArray("event_ids").add(eventId);
        ObjectNode data = receipt.putObject("data").put("ts", ts);
        threadId.ifPresent(t -> data.put("thread_id", t));
        enqueue(destinations(roomId), EDU, MatrixJson.write(edu));
    }

    /** A destination was heard from (it sent a transaction): what waits for it goes now, whatever its backoff. */
    public void heardFrom(String destination) {
        DestinationQueue q = queues.get(destination);
        if (q != null) {
            q.retryNow();
        }
    }

    private boolean local(String userId) {
        return ServerVisibility.serverOf(userId).equals(serverName);
    }

    /** The other servers with a user joined to the room. */
    private Set<String> destinations(String roomId) {
        Set<String> servers = new TreeSet<>();
        for (Membership m : rooms.members(roomId)) {
            if (m.membership().equals("join")) {
                servers.add(ServerVisibility.serverOf(m.userId()));
            }
        }
        return servers;
    }

    private void enqueue(Set<String> destinations, String kind, String json) {
        destinations.remove(serverName);
        destinations.remove("");
        if (destinations.isEmpty() || closed) {
            return;
        }
        synchronized (enqueueing) {
            long next = ++seq;
            List<OutboxItem> items = new ArrayList<>();
            destinations.forEach(d -> items.add(new OutboxItem(d, next, kind, json)));
            store.enqueue(items);
        }
        destinations.forEach(d -> queue(d).wake());
    }

    private DestinationQueue queue(String destination) {
        return queues.computeIfAbsent(destination, d -> {
            DestinationQueue q = new DestinationQueue(d, serverName, store, sender, backoff, clock);
            workers.put(d, Thread.ofVirtual().name("federation-" + d).start(q));
            return q;
        });
    }

    /** Stops the workers; what was not delivered stays in the outboxes for the next start. */
    @Override
    public void close() {
        closed = true;
        queues.values().forEach(DestinationQueue::close);
        for (Thread t : workers.values()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
