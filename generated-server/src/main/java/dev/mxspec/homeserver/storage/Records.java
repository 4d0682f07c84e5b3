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

    public record Membership(String roomId, String userId, String membership, String eventId, long streamPos) {}

    public record AccountData(String userId, String roomId, String type, String content, long streamPos) {}

    public record Receipt(String roomId, String userId, String receiptType, String threadId, String eventId, long ts, long streamPos) {}

    public record ToDevice(long streamPos, String userId, String deviceId, String sender, String type, String content) {}

    public record Presence(String userId, String presence, Optional<String> statusMsg, long lastActiveTs, long streamPos) {}
}
