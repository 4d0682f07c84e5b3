package dev.mxspec.homeserver.storage;

import java.util.Optional;

/** The rows the homeserver stores. */
public final class Records {

    private Records() {}

    /** An account. {@code passwordHash} is an Argon2id hash, never the password. */
    public record User(String userId, Optional<String> passwordHash, boolean admin, boolean deactivated,
            Optional<String> displayname, Optional<String> avatarUrl, long createdTs) {}

    public record Device(String userId, String deviceId, Optional<String> displayName, Optional<Long> lastSeenTs,
            Optional<String> lastSeenIp) {}

    /** An access token by its hash; {@code expiresTs} set when refresh tokens are in use. */
    public record AccessToken(String tokenHash, String userId, String deviceId, Optional<Long> expiresTs, Optional<String> refreshHash) {}

    public record Room(String roomId, String roomVersion, String creator, boolean published, long createdTs) {}

    /**
     * An event as persisted: its place in the stream and its full JSON (the PDU).
     *
     * @param txn the sending device and its transaction ID, for {@code unsigned.transaction_id}
     */
    public record StoredEvent(long streamPos, String eventId, String roomId, String type, Optional<String> stateKey,
            String sender, long originServerTs, long depth, String json, Optional<String> redactedBy, Optional<Txn> txn) {}

    /** A device's identity keys as uploaded (JSON), and the device's display name. */
    public record DeviceKeys(String userId, String deviceId, String json, Optional<String> displayName) {}

    /** A one-time or fallback key: {@code key_id} as {@code algorithm:id}, its JSON (a string or a signed object). */
    public record OneTimeKey(String keyId, String algorithm, String json) {}

    /** A client transaction: the device that sent an event and the ID it gave. */
    public record Txn(String deviceId, String txnId) {}

    /**
     * A relation of a child event to its parent ({@code content.m.relates_to}).
     *
     * @param key the annotation's key ({@code m.annotation} only)
     */
    public record Relation(String eventId, String relatesTo, String relType, String roomId, String sender, String type,
            Optional<String> key, long streamPos) {

        /** The relation an event's content declares: {@code m.relates_to} with a string {@code rel_type} and {@code event_id}. */
        public static Optional<Relation> of(String eventId, String roomId, String sender, String type,
                com.fasterxml.jackson.databind.JsonNode content, long streamPos) {
            com.fasterxml.jackson.databind.JsonNode to = content.path("m.relates_to");
            if (!to.path("rel_type").isTextual() || !to.path("event_id").isTextual()) {
                return Optional.empty();
            }
            String relType = to.get("rel_type").asText();
            Optional<String> key = relType.equals("m.annotation") && to.path("key").isTextual()
                    ? Optional.of(to.get("key").asText()) : Optional.empty();
            return Optional.of(new Relation(eventId, to.get("event_id").asText(), relType, roomId, sender, type, key, streamPos));
        }
    }

    /** A thread: its root and the stream position of its latest event. */
    public record ThreadRoot(String rootId, long latestPos) {}

    public record Membership(String roomId, String userId, String membership, String eventId, long streamPos) {}

    public record AccountData(String userId, String roomId, String type, String content, long streamPos) {}

    public record Receipt(String roomId, String userId, String receiptType, String threadId, String eventId, long ts, long streamPos) {}

    public record ToDevice(long streamPos, String userId, String deviceId, String sender, String type, String content) {}

    public record Presence(String userId, String presence, Optional<String> statusMsg, long lastActiveTs, long streamPos) {}

    /**
     * What a member's push rules made of an event that notifies him.
     *
     * @param threadId the thread root's event ID, or {@code main}
     * @param actions the matching rule's actions (JSON list)
     */
    public record PushAction(String userId, String roomId, String eventId, long streamPos, String threadId, boolean highlight,
            String actions, long ts) {}

    /** Unread notifications of one thread ({@code main} for the main timeline) of a room. */
    public record UnreadCounts(String threadId, long notifications, long highlights) {}

    /**
     * A pusher.
     *
     * @param data the JSON of its {@code data} object
     * @param deviceId the device that set it, when known
     * @param lastStreamPos the position of the last notification delivered or given up on
     * @param failingSince when the gateway first failed in the current run of failures
     */
    public record Pusher(String userId, String appId, String pushkey, String kind, String appDisplayName, String deviceDisplayName,
            Optional<String> profileTag, String lang, String data, Optional<String> deviceId, long pushkeyTs, long lastStreamPos,
            Optional<Long> failingSince) {}

    /** Why an event is stored but not part of the timeline (server-server API: outliers, rejection, soft failure). */
    public enum EventStatus {
        /** Known with its auth chain, but not its state nor its place in the timeline. */
        OUTLIER("outlier"),
        /** Failed the authorization rules on its auth events or on the state before it. */
        REJECTED("rejected"),
        /** Valid at its place in the graph, but not against the room's current state. */
        SOFT_FAILED("soft_failed");

        private final String column;

        EventStatus(String column) {
            this.column = column;
        }

        /** The value of the {@code events.status} column. */
        public String column() {
            return column;
        }

        public static Optional<EventStatus> ofColumn(String value) {
            for (EventStatus s : values()) {
                if (s.column.equals(value)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * An event's place in the room graph.
     *
     * @param status      empty for an accepted event of the timeline
     * @param stateBefore the state group of the room state before the event (empty for an outlier, and for a room's create event)
     * @param stateAfter  the state group after it: its own for an accepted state event, else the one before
     */
    public record GraphRow(String eventId, String roomId, long streamPos, long depth, java.util.List<String> prevEvents,
            java.util.List<String> authEvents, Optional<EventStatus> status, Optional<Long> stateBefore, Optional<Long> stateAfter,
            String json) {}

    /**
     * A state group: one room state, stored as {@code delta} against {@code base} (the whole state when there is
     * no base). A key mapped to empty is not in the state.
     */
    public record StateGroup(long groupId, String roomId, Optional<Long> parent, Optional<Long> base, long level,
            java.util.Map<dev.mxspec.homeserver.rooms.StateKey, Optional<String>> delta) {}

    /**
     * What storing an event does to its room's graph, written in the event's transaction.
     *
     * @param newGroups             state groups made for the event (its state after, a resolved state before it)
     * @param extremityRowsDeleted  rows of {@code forward_extremities} to delete ({@link GraphStore#LATEST} for the marker)
     * @param extremityRowsInserted rows to insert
     * @param backwardAdded         its prev events this server lacks
     * @param backwardRemoved       itself, when stored events named it as a prev event it lacked
     * @param currentState          changes of the room's current state, (type, state_key) to event ID, empty to remove
     * @param memberships           the memberships those changes set
     */
    public record GraphWrite(java.util.List<String> prevEvents, java.util.List<String> authEvents, Optional<EventStatus> status,
            Optional<Long> stateBefore, Optional<Long> stateAfter, java.util.List<StateGroup> newGroups,
            java.util.List<String> extremityRowsDeleted, java.util.List<String> extremityRowsInserted, java.util.List<String> backwardAdded,
            java.util.List<String> backwardRemoved, java.util.Map<java.util.List<String>, Optional<String>> currentState,
            java.util.List<Membership> memberships) {}
}
