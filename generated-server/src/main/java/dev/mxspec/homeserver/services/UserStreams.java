package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.core.KeyLocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Changes;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.storage.Records.AccountData;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.Presence;
import dev.mxspec.homeserver.storage.Records.Receipt;
import dev.mxspec.homeserver.storage.Records.ToDevice;
import dev.mxspec.homeserver.storage.Storage;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The per-user streams beside room events: account data (global and per room, tags included),
 * read receipts, typing notifications (in memory, with their timeout), presence and to-device
 * messages. Each write takes a stream position and wakes the syncs that should see it.
 */
public final class UserStreams {

    private record Typing(long untilMs, long streamPos) {}

    private final Storage storage;
    private final StreamCounter stream;
    private final Memberships memberships;
    private final Notifier notifier;
    private final LongSupplier clock;
    /** room ID to typing user to until when. */
    private final Map<String, Map<String, Typing>> typing = new ConcurrentHashMap<>();

    /** Told of each typing change, receipt and presence once it is visible, whoever's (federation sends local users' ones). */
    public interface Listener {
        default void typing(String roomId, String userId, boolean typing, long timeoutMs) { }

        default void receipt(String roomId, String userId, String type, String eventId, Optional<String> threadId, long ts) { }

        default void presence(String userId, String presence, Optional<String> statusMsg) { }
    }

    /** Sends to-device messages to other servers' users: {@code messages} are those of one server's users. */
    public interface RemoteToDevice {
        void send(String sender, String type, String server, JsonNode messages);
    }

    private volatile RemoteToDevice remoteToDevice;
    private volatile String serverName;

    /** Messages for users of servers other than {@code serverName} go through {@code remote} (federation). */
    public void remoteToDevice(String serverName, RemoteToDevice remote) {
        this.serverName = serverName;
        this.remoteToDevice = remote;
    }

    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds a listener of typing changes and receipts. */
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    public UserStreams(Storage storage, StreamCounter stream, Memberships memberships, Notifier notifier, LongSupplier clock) {
        this.storage = storage;
        this.memberships = memberships;
        this.stream = stream;
        this.notifier = notifier;
        this.clock = clock;
    }

    // --- account data ("" is the global room ID)

    public void setAccountData(String userId, String roomId, String type, JsonNode content) {
        long pos = stream.next(Changes.accountData(userId));
        try {
            storage.saveAccountData(new AccountData(userId, roomId, type, MatrixJson.write(content), pos));
        } finally {
            stream.done(pos);
        }
        notifier.wake(List.of(userId));
    }

    public Optional<JsonNode> accountData(String userId, String roomId, String type) {
        return storage.accountData(userId, roomId, type).map(d -> ClientEvents.parse(d.content()));
    }

    /** Whether a user's account data (global or per room) changed after a position. */
    public boolean accountDataChangedSince(String userId, long after) {
        return stream.changedSince(Changes.accountData(userId), after);
    }

    public List<AccountData> accountDataSince(String userId, long after, long upTo) {
        return storage.accountDataSince(userId, after).stream().filter(d -> d.streamPos() <= upTo).toList();
    }

    // --- receipts

    public void receipt(String roomId, String userId, String type, String eventId, Optional<String> threadId) {
        long pos = stream.next(Changes.receipts(roomId));
        long ts = clock.getAsLong();
        try {
            storage.saveReceipt(new Receipt(roomId, userId, type, threadId.orElse(""), eventId, ts, pos));
        } finally {
            stream.done(pos);
        }
        notifier.wake(members(roomId));
        listeners.forEach(l -> l.receipt(roomId, userId, type, eventId, threadId, ts));
    }

    /** The {@code m.receipt} event of a room since a position; private receipts only for their own user. */
    public Optional<ObjectNode> receiptEvent(String roomId, String viewer, long after, long upTo) {
        if (!stream.changedSince(Changes.receipts(roomId), after)) {
            return Optional.empty();
        }
        List<Receipt> receipts = storage.receiptsSince(List.of(roomId), after).stream().filter(r -> r.streamPos() <= upTo)
                .filter(r -> !r.receiptType().equals("m.read.private") || r.userId().equals(viewer)).toList();
        if (receipts.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode content = MatrixJson.mapper().createObjectNode();
        for (Receipt r : receipts) {
            ObjectNode entry = content.withObjectProperty(r.eventId()).withObjectProperty(r.receiptType()).putObject(r.userId());
            entry.put("ts", r.ts());
            if (!r.threadId().isEmpty()) {
                entry.put("thread_id", r.threadId());
            }
        }
        ObjectNode event = MatrixJson.mapper().createObjectNode().put("type", "m.receipt");
        event.set("content", content);
        return Optional.of(event);
    }

    // --- typing

    public void typing(String roomId, String userId, boolean typing, long timeoutMs) {
        Map<String, Typing> room = this.typing.computeIfAbsent(roomId, r -> new ConcurrentHashMap<>());
        long pos = stream.next();
        if (typing) {
            room.put(userId, new Typing(clock.getAsLong() + Math.min(Math.max(timeoutMs, 1000), 120_000), pos));
        } else {
            room.remove(userId);
            room.put("", new Typing(0, pos)); // marks the change, so that syncs since before it see the new list
        }
        stream.done(pos);
        notifier.wake(members(roomId));
        listeners.forEach(l -> l.typing(roomId, userId, typing, timeoutMs));
    }

    /** The {@code m.typing} event of a room when it changed since a position. */
    public Optional<ObjectNode> typingEvent(String roomId, long after) {
        Map<String, Typing> room = typing.getOrDefault(roomId, Map.of());
        long now = clock.getAsLong();
        boolean changed = room.values().stream().anyMatch(t -> t.streamPos() > after);
        if (!changed) {
            return Optional.empty();
        }
        ObjectNode event = MatrixJson.mapper().createObjectNode().put("type", "m.typing");
        var ids = event.putObject("content").putArray("user_ids");
        new TreeMap<>(room).forEach((user, t) -> {
            if (!user.isEmpty() && t.untilMs() > now) {
                ids.add(user);
            }
        });
        return Optional.of(event);
    }

    // --- presence

    public void setPresence(String userId, String presence, Optional<String> statusMsg) {
        setPresence(userId, presence, statusMsg, clock.getAsLong());
    }

    /** A presence last active at {@code lastActiveTs} (another server's user's, as its server told). */
    public void setPresence(String userId, String presence, Optional<String> statusMsg, long lastActiveTs) {
        long pos = stream.next(Changes.PRESENCE);
        try {
            storage.savePresence(new Presence(userId, presence, statusMsg, lastActiveTs, pos));
        } finally {
            stream.done(pos);
        }
        Set<String> audience = new HashSet<>(List.of(userId));
        for (Membership m : memberships.ofUser(userId)) {
            if (m.membership().equals("join")) {
                audience.addAll(members(m.roomId()));
            }
        }
        notifier.wake(audience);
        listeners.forEach(l -> l.presence(userId, presence, statusMsg));
    }

    public Optional<Presence> presence(String userId) {
        return storage.presence(userId);
    }

    /** Whether anyone's presence changed after a position. */
    public boolean presenceChangedSince(long after) {
        return stream.changedSince(Changes.PRESENCE, after);
    }

    public List<Presence> presenceSince(List<String> userIds, long after, long upTo) {
        return storage.presenceSince(userIds, after).stream().filter(p -> p.streamPos() <= upTo).toList();
    }

    // --- to-device

    private final KeyLocks toDeviceLocks = new KeyLocks(64);

    /**
     * Delivers one {@code PUT /sendToDevice/{eventType}/{txnId}} request ({@code messages}: user ID
     * to device ID or {@code *} to content) once: the same transaction ID from the same device is
     * acknowledged again without sending again, as for room events.
     */
    public void sendToDeviceOnce(String sender, String senderDevice, String txnId, String type, JsonNode messages) {
        String key = "m.to_device " + type + " " + txnId;
        synchronized (toDeviceLocks.of(sender + " " + senderDevice + " " + key)) {
            if (storage.txnEvent(sender, senderDevice, key).isPresent()) {
                return;
            }
            RemoteToDevice remote = remoteToDevice;
            Map<String, ObjectNode> byServer = new TreeMap<>();
            messages.properties().forEach(user -> {
                String server = user.getKey().substring(user.getKey().indexOf(':') + 1);
                if (remote != null && !server.equals(serverName)) {
                    byServer.computeIfAbsent(server, x -> MatrixJson.mapper().createObjectNode()).set(user.getKey(), user.getValue());
                    return;
                }
                user.getValue().properties().forEach(device -> sendToDevice(sender, user.getKey(), device.getKey(), type, device.getValue()));
            });
            byServer.forEach((server, ofServer) -> remote.send(sender, type, server, ofServer));
            storage.saveTxn(sender, senderDevice, key, "");
        }
    }

    public void sendToDevice(String sender, String userId, String deviceId, String type, JsonNode content) {
        List<String> devices = deviceId.equals("*")
                ? storage.devices(userId).stream().map(d -> d.deviceId()).toList()
                : storage.device(userId, deviceId).map(d -> d.deviceId()).stream().toList(); // none kept for a device that is not there
        for (String d : devices) {
            long pos = stream.next(Changes.toDevice(userId, d));
            try {
                storage.saveToDevice(new ToDevice(pos, userId, d, sender, type, MatrixJson.write(content)));
            } finally {
                stream.done(pos);
            }
        }
        notifier.wake(List.of(userId));
    }

    /** The most to-device messages one sync delivers (Synapse's limit); the rest come with the next syncs. */
    public static final int TO_DEVICE_LIMIT = 100;

    /** Per device ({@link Changes#toDevice}): the position up to which its delivered messages were deleted since start. */
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

    /**
     * The to-device messages of one sync.
     *
     * @param upTo the position the sync may reach: the one it was given, or, when more messages wait than one sync
     *     delivers, the position of the last one delivered (the sync's {@code next_batch} must not pass over the rest)
     */
    public record ToDeviceBatch(List<ToDevice> messages, long upTo) {}

    /**
     * The messages for a device that a sync from {@code after} delivers: those after it up to {@code upTo}, at most
     * {@link #TO_DEVICE_LIMIT}. A sync from {@code after} acknowledges the messages up to it (the spec: they are
     * deleted once the client has acknowledged them), so those are deleted; a sync from an earlier position (a
     * client that repeats a request whose answer it did not get) still finds the messages after that one.
     */
    public ToDeviceBatch toDevice(String userId, String deviceId, long after, long upTo) {
        String key = Changes.toDevice(userId, deviceId);
        acknowledge(userId, deviceId, key, after);
        if (!stream.changedSince(key, after)) {
            return new ToDeviceBatch(List.of(), upTo); // the common case: no read, no write
        }
        List<ToDevice> pending = storage.toDeviceSince(userId, deviceId, after, TO_DEVICE_LIMIT + 1).stream()
                .filter(t -> t.streamPos() <= upTo).toList();
        if (pending.size() > TO_DEVICE_LIMIT) {
            List<ToDevice> batch = pending.subList(0, TO_DEVICE_LIMIT);
            return new ToDeviceBatch(batch, batch.getLast().streamPos());
        }
        return new ToDeviceBatch(pending, upTo);
    }

    /** Deletes a device's messages up to {@code after}; nothing is written when none can be left there. */
    private void acknowledge(String userId, String deviceId, String key, long after) {
        if (after <= 0) {
            return;
        }
        long deleted = acknowledged.getOrDefault(key, -1L);
        if (after <= deleted || !stream.changedSince(key, deleted)) {
            return; // deleted up to here before, or no message for the device was written after the last deletion
        }
        storage.deleteToDeviceUpTo(userId, deviceId, after);
        acknowledged.merge(key, after, Math::max);
    }

    private List<String> members(String roomId) {
        return memberships.joined(roomId);
    }
}
