package dev.mxspec.homeserver.appservice;

import dev.mxspec.homeserver.core.Wakeup;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.storage.AppServiceStore;
import dev.mxspec.homeserver.storage.AppServiceStore.Queued;
import dev.mxspec.homeserver.storage.AppServiceStore.ServiceState;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.RoomStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pushes events to the application services interested in them ({@code PUT /_matrix/app/v1/transactions/{txnId}}).
 * Every new event of the room stream, this server's or another's (and a local user's invite to a room not held here),
 * is looked at once, in stream order, soon after it is stored ({@link #eventStored}): the services it interests
 * ({@link Interest}) get it in their queue, and the position looked at up to moves on in the same database
 * transaction (past events of no interest it is stored only every thousand positions and at a stop), so that after a
 * restart the events stored meanwhile are looked at then, and none is queued twice. Each service's
 * {@link ServiceQueue} sends its queue in order, in transactions of up to {@value #MAX_EVENTS} events, with backoff
 * while the service is down. A service gets the events stored after it was first configured; one without a {@code url}
 * gets none.
 */
public final class AppServiceTransactions implements AutoCloseable {

    /** Events in one transaction at most, as Synapse sends them. */
    public static final int MAX_EVENTS = 100;
    /** Events looked at in one pass. */
    private static final int PASS = 500;
    /** The pause before looking again when positions below a stored event are still being written. */
    private static final long IN_FLIGHT_MS = 20;
    /**
     * How far the position may move past events of no interest before it is stored: a restart looks at those again
     * (and finds them of no interest again), which is cheaper than a database write for each of them.
     */
    private static final long UNSTORED_POSITIONS = 1_000;

    private static final Logger LOG = Logger.getLogger(AppServiceTransactions.class.getName());

    private final AppServiceStore store;
    private final StreamCounter stream;
    private final Interest interest;
    private final Map<String, ServiceQueue> queues = new LinkedHashMap<>();
    private final Map<String, Long> since = new HashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Wakeup wakeup = new Wakeup();
    /** The stream position up to which events are known to be stored: looked at once every write below it is done. */
    private final AtomicLong wanted = new AtomicLong();
    private long position;
    private long storedPosition;

    /**
     * @param clients the services with a {@code url}
     * @param initialBackoffMs the wait after a service's first failure in a row, doubled after each further one
     * @param maxBackoffMs the longest wait
     */
    public AppServiceTransactions(List<AppServiceClient> clients, AppServiceStore store, RoomStore events, StreamCounter stream,
            Interest interest, LongSupplier clock, long initialBackoffMs, long maxBackoffMs, AppServiceMetrics metrics) {
        this.store = store;
        this.stream = stream;
        this.interest = interest;
        for (AppServiceClient c : clients) {
            queues.put(c.service().id(), new ServiceQueue(c, store, events, clock, initialBackoffMs, maxBackoffMs, metrics));
        }
    }

    /**
     * Starts looking at new events and sending: a service seen for the first time gets the events from now on; each
     * service goes on with its transaction in flight and its queue; the events stored while the server was down (or
     * not looked at before it stopped) are looked at now.
     */
    public void start() {
        if (queues.isEmpty()) {
            return;
        }
        long now = stream.current();
        for (String id : queues.keySet()) {
            ServiceState state = store.appServiceState(id).orElseGet(() -> {
                ServiceState fresh = new ServiceState(id, now, 1, Optional.empty());
                store.saveAppServiceState(fresh);
                return fresh;
            });
            since.put(id, state.sincePos());
        }
        long floor = since.values().stream().mapToLong(Long::longValue).min().orElse(now);
        position = Math.max(store.interestPosition().orElse(now), floor); // before every service's start: nothing to look at
        store.enqueueForAppServices(List.of(), position);
        storedPosition = position;
        wanted.set(stream.lastGiven());
        threads.add(Thread.ofVirtual().name("appservice-interest").start(this::lookAtNewEvents));
        queues.forEach((id, q) -> threads.add(Thread.ofVirtual().name("appservice-" + id).start(q)));
    }

    /** A new event of the room stream was stored (called after its position is done). */
    public void eventStored() {
        if (queues.isEmpty()) {
            return;
        }
        long given = stream.lastGiven();
        wanted.accumulateAndGet(given, Math::max);
        wakeup.wake();
    }

    /** The service answered (a ping): what waits for it goes now, whatever its backoff. */
    public void serviceIsUp(String serviceId) {
        ServiceQueue q = queues.get(serviceId);
        if (q != null) {
            q.retryNow();
        }
    }

    /** The transactions a service took since start (for the benchmark). */
    public long transactionsDelivered(String serviceId) {
        ServiceQueue q = queues.get(serviceId);
        return q == null ? 0 : q.transactionsDelivered();
    }

    private void lookAtNewEvents() {
        while (!wakeup.closed()) {
            try {
                lookUpTo(stream.current());
                // positions below a stored event may still be written (by another room's send): look again soon
                wakeup.await(position < wanted.get() ? IN_FLIGHT_MS : Long.MAX_VALUE);
            } catch (RuntimeException storageTrouble) {
                LOG.log(Level.WARNING, "application services: looking at new events failed; trying again", storageTrouble);
                wakeup.await(1000);
            }
        }
    }

    /** Puts the events after the position, up to {@code upTo}, in the queues of the services they interest. */
    private void lookUpTo(long upTo) {
        while (position < upTo && !wakeup.closed()) {
            List<StoredEvent> timeline = store.timelineEvents(position, upTo, PASS);
            long end = timeline.size() == PASS ? timeline.getLast().streamPos() : upTo;
            List<StoredEvent> all = new ArrayList<>(timeline);
            all.addAll(store.outsideMemberships(position, end));
            all.sort(Comparator.comparingLong(StoredEvent::streamPos));
            Interest.Pass pass = interest.pass();
            List<Queued> queued = new ArrayList<>();
            Set<String> woken = new LinkedHashSet<>();
            for (StoredEvent e : all) {
                for (Registration s : pass.interested(e)) {
                    if (e.streamPos() > since.getOrDefault(s.id(), Long.MAX_VALUE)) {
                        queued.add(new Queued(s.id(), e.streamPos(), e.eventId()));
                        woken.add(s.id());
                    }
                }
            }
            if (!queued.isEmpty() || end - storedPosition >= UNSTORED_POSITIONS) { // the queue and the position move together
                store.enqueueForAppServices(queued, end);
                storedPosition = end;
            }
            position = end;
            woken.forEach(id -> queues.get(id).wake());
        }
    }

    /** Stops looking and sending; what was not delivered stays queued for the next start. */
    @Override
    public void close() {
        wakeup.close();
        queues.values().forEach(ServiceQueue::close);
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!threads.isEmpty() && !threads.getFirst().isAlive() && position > storedPosition) {
            try {
                store.enqueueForAppServices(List.of(), position);
            } catch (RuntimeException storageClosed) {
                // looked at again at the next start
            }
        }
    }
}
