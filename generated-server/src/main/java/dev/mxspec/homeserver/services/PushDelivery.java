package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.CheckedResolver;
import dev.mxspec.homeserver.core.GuardedHttp;
import dev.mxspec.homeserver.push.Actions;
import dev.mxspec.homeserver.storage.PusherStore;
import dev.mxspec.homeserver.storage.Records.PushAction;
import dev.mxspec.homeserver.storage.Records.Pusher;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.client.RetryPolicy;
import dev.mxspec.spec.v1_7.pushgateway.Counts;
import dev.mxspec.spec.v1_7.pushgateway.NotificationDevices;
import dev.mxspec.spec.v1_7.pushgateway.NotificationPrio;
import dev.mxspec.spec.v1_7.pushgateway.NotifyRequest;
import dev.mxspec.spec.v1_7.pushgateway.NotifyRequestNotification;
import dev.mxspec.spec.v1_7.pushgateway.NotifyResponse;
import dev.mxspec.spec.v1_7.pushgateway.client.PushGatewayClient;
import dev.mxspec.spec.v1_7.pushgateway.endpoints.Notify;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers notifications to push gateways with the generated push gateway client, one request per
 * notification and pusher, in order. Each pusher keeps in storage the position of the last
 * notification it delivered, so nothing is lost or sent twice across restarts: at start every
 * pusher catches up from there. A gateway that fails (no answer, 5xx, 429) is retried with
 * exponential backoff (1 s doubling to an hour); a notification that has failed for a day is
 * given up, as other homeservers do. A 4xx answer drops that one notification. Pushkeys the
 * gateway answers as {@code rejected} lose their pusher.
 */
public final class PushDelivery implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PushDelivery.class.getName());
    private static final int BATCH = 50;
    private static final long MAX_BACKOFF_MS = 60 * 60 * 1000L;
    private static final long GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final PusherStore pushers;
    private final Notifications notifications;
    private final Pushers rules;
    private final RoomService rooms;
    private final LongSupplier clock;
    private final long initialBackoffMs;
    private final Set<String> usersWithPushers = ConcurrentHashMap.newKeySet();
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final Map<URI, PushGatewayClient> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "push-delivery-timer");
        t.setDaemon(true);
        return t;
    });
    private final GuardedHttp http;
    private volatile boolean closed;

    /** @param initialBackoffMs the first wait after a failure, doubled on each further one */
    public PushDelivery(PusherStore pushers, Notifications notifications, Pushers rules, RoomService rooms, LongSupplier clock,
            long initialBackoffMs) {
        this.pushers = pushers;
        this.notifications = notifications;
        this.rules = rules;
        this.rooms = rooms;
        this.clock = clock;
        this.initialBackoffMs = initialBackoffMs;
        // the gateway's addresses are checked as it is connected to, not only when the pusher was set
        this.http = new GuardedHttp(new CheckedResolver(rules::permitted, a -> "the push gateway is at " + a.getHostAddress()
                + ", not a public address"), Duration.ofSeconds(10), 1 << 20);
    }

    /** Starts delivering: every pusher catches up with what it has not delivered yet. */
    public void start() {
        pushers.allPushers().forEach(p -> usersWithPushers.add(p.userId()));
        usersWithPushers.forEach(this::wake);
    }

    /** New notifications were stored. */
    public void notified(List<PushAction> actions) {
        for (PushAction a : actions) {
            if (usersWithPushers.contains(a.userId())) {
                wake(a.userId());
            }
        }
    }

    /** A user's pushers changed. */
    public void pushersChanged(String userId) {
        if (pushers.pushers(userId).isEmpty()) {
            usersWithPushers.remove(userId);
        } else {
            usersWithPushers.add(userId);
            wake(userId);
        }
    }

    private void wake(String userId) {
        workers.computeIfAbsent(userId, Worker::new).wake();
    }

    /** One user's deliveries: never two at once, and woken again when news came while running. */
    private final class Worker {
        private final String userId;
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile boolean again;
        private final Map<String, Integer> failures = new ConcurrentHashMap<>();
        private volatile boolean waiting;

        Worker(String userId) {
            this.userId = userId;
        }

        void wake() {
            again = true;
            if (!closed && !waiting && running.compareAndSet(false, true)) {
                Thread.ofVirtual().name("push-" + userId).start(this::run);
            }
        }

        private void run() {
            try {
                while (again && !closed && !waiting) {
                    again = false;
                    long retryIn = 0;
                    for (Pusher p : pushers.pushers(userId)) {
                        long wait = deliverAll(p);
                        retryIn = wait > 0 && (retryIn == 0 || wait < retryIn) ? wait : retryIn;
                    }
                    if (retryIn > 0) {
                        waiting = true;
                        timer.schedule(() -> {
                            waiting = false;
                            wake();
                        }, retryIn, TimeUnit.MILLISECONDS);
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "push delivery for a user stopped", e);
            } finally {
                running.set(false);
                if (again && !waiting && !closed) {
                    wake();
                }
            }
        }

        /** Delivers a pusher's pending notifications; the wait before trying again after a failure, or 0. */
        private long deliverAll(Pusher pusher) {
            String key = pusher.appId() + "\n" + pusher.pushkey();
            long last = pusher.lastStreamPos();
            Optional<Long> failingSince = pusher.failingSince();
            while (!closed) {
                List<PushAction> batch = notifications.after(userId, last, BATCH);
                if (batch.isEmpty()) {
                    return 0;
                }
                for (PushAction action : batch) {
                    Outcome outcome = deliver(pusher, action);
                    switch (outcome) {
                        case REJECTED -> {
                            pushers.deletePusher(pusher.appId(), pusher.pushkey(), userId);
                            return 0;
                        }
                        case DELIVERED, DROPPED -> {
                            last = action.streamPos();
                            failingSince = Optional.empty();
                            failures.remove(key);
                            pushers.pusherProgress(pusher.appId(), pusher.pushkey(), userId, last, failingSince);
                        }
                        case FAILED -> {
                            long now = clock.getAsLong();
                            if (failingSince.isPresent() && now - failingSince.get() > GIVE_UP_AFTER_MS) {
                                LOG.warning("a push gateway failed for a day: notification given up");
                                last = action.streamPos();
                                failures.remove(key);
                                pushers.pusherProgress(pusher.appId(), pusher.pushkey(), userId, last, Optional.empty());
                                failingSince = Optional.empty();
                                continue;
                            }
                            failingSince = failingSince.or(() -> Optional.of(now));
                            pushers.pusherProgress(pusher.appId(), pusher.pushkey(), userId, last, failingSince);
                            int n = failures.merge(key, 1, Integer::sum);
                            return Math.min(MAX_BACKOFF_MS, initialBackoffMs << Math.min(n - 1, 30));
                        }
                    }
                }
            }
            return 0;
        }
    }

    private enum Outcome { DELIVERED, REJECTED, DROPPED, FAILED }

    private Outcome deliver(Pusher pusher, PushAction action) {
        JsonNode data = ClientEvents.parse(pusher.data());
        URI gateway;
        try {
            gateway = rules.gatewayUrl(data); // its addresses are checked as it is connected to (GuardedHttp)
        } catch (MatrixException e) {
            LOG.warning("a pusher's gateway is no longer allowed (" + e.getMessage() + "): notification dropped");
            return Outcome.DROPPED;
        }
        Optional<StoredEvent> event = rooms.event(action.eventId());
        if (event.isEmpty()) {
            return Outcome.DROPPED;
        }
        NotifyRequest request = new NotifyRequest(notification(pusher, data, action, event.get()), Map.of());
        PushGatewayClient client = clients.computeIfAbsent(URI.create(gateway.getScheme() + "://" + gateway.getRawAuthority()),
                base -> new PushGatewayClient(new MatrixHttpClient(base, http, RetryPolicy.none())));
        try {
            NotifyResponse response = client.notifyAsync(new Notify.Request(request)).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get();
            return response.rejected().contains(pusher.pushkey()) ? Outcome.REJECTED : Outcome.DELIVERED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        } catch (java.util.concurrent.ExecutionException e) {
            if (CheckedResolver.denied(e).isPresent()) {
                LOG.warning("a pusher's gateway now resolves to an address not allowed (" + CheckedResolver.denied(e).get().getMessage()
                        + "): notification dropped");
                return Outcome.DROPPED;
            }
            if (e.getCause() instanceof MatrixException m && m.status() >= 400 && m.status() < 500 && m.status() != 429) {
                LOG.warning("a push gateway refused a notification with status " + m.status() + ": dropped");
                return Outcome.DROPPED;
            }
            return Outcome.FAILED;
        }
    }

    /**
     * The notification for one pusher, as the push gateway API describes it; with {@code format:
     * event_id_only}, only the event and room IDs, the counts and the device.
     */
    private NotifyRequestNotification notification(Pusher pusher, JsonNode data, PushAction action, StoredEvent stored) {
        Actions actions = Actions.of(ClientEvents.parse(action.actions()));
        ObjectNode deviceData = ((ObjectNode) data.deepCopy());
        deviceData.remove("url");
        NotificationDevices device = new NotificationDevices(pusher.appId(), pusher.pushkey(), Optional.of(pusher.pushkeyTs()),
                Optional.of(deviceData), Optional.of(actions.tweaks()), Map.of());
        Counts counts = new Counts(Optional.of(notifications.unreadTotal(pusher.userId()).notifications()), Optional.empty(), Map.of());
        JsonNode event = ClientEvents.parse(stored.json());
        boolean high = stored.type().equals("m.room.encrypted") || actions.highlight() || actions.sound().isPresent();
        Optional<NotificationPrio> prio = Optional.of(high ? NotificationPrio.HIGH : NotificationPrio.LOW);
        if (data.path("format").asText("").equals("event_id_only")) {
            return new NotifyRequestNotification(Optional.of(stored.eventId()), Optional.of(stored.roomId()), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), prio, Optional.empty(),
                    Optional.of(counts), List.of(device), Map.of());
        }
        Map<List<String>, ObjectNode> state = rooms.stateJson(stored.roomId());
        Optional<String> senderName = text(state.get(List.of("m.room.member", stored.sender())), "displayname");
        Optional<String> roomName = text(state.get(List.of("m.room.name", "")), "name");
        Optional<String> alias = text(state.get(List.of("m.room.canonical_alias", "")), "alias");
        boolean target = stored.stateKey().map(k -> k.equals(pusher.userId())).orElse(false);
        return new NotifyRequestNotification(Optional.of(stored.eventId()), Optional.of(stored.roomId()), Optional.of(stored.type()),
                Optional.of(stored.sender()), senderName, roomName, alias, stored.stateKey().isPresent() ? Optional.of(target) : Optional.empty(),
                prio, Optional.of(event.path("content")), Optional.of(counts), List.of(device), Map.of());
    }

    private static Optional<String> text(ObjectNode event, String field) {
        return event == null ? Optional.empty() : Optional.ofNullable(event.path("content").path(field).textValue()).filter(s -> !s.isEmpty());
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        http.close();
    }
}
