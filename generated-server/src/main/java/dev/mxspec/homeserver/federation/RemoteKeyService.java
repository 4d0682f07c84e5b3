package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.VerifyKey;
import dev.mxspec.homeserver.storage.RemoteKeyStore;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Other servers' signing keys: fetched from each server's {@code /_matrix/key/v2/server}, accepted when the
 * answer names that server and is signed by the keys it lists, kept in storage and in memory, and fetched again
 * once its {@code valid_until_ts} has passed (and at most every {@link #RETRY_MS} after a failure or while a
 * server only offers expired keys). As a {@link ServerKeys} it gives every key a server published, current and
 * old, each valid until its {@code valid_until_ts} or {@code expired_ts}, for checking events;
 * {@link #requestKey} gives only current keys, for checking requests. A key response is trusted for at most seven
 * days after it was fetched, whatever it says (the room version 5 rule). When a server cannot be reached, or its
 * answer is refused, the configured notaries are asked ({@code POST /_matrix/key/v2/query}); a notary's answer counts
 * when it is the server's own self-signed answer and also carries the notary's signature.
 */
public final class RemoteKeyService implements ServerKeys {

    /** Fetches a server's published keys. */
    @FunctionalInterface
    public interface Fetcher {
        ObjectNode fetch(String serverName) throws IOException;
    }

    /** Asks a notary for a server's keys ({@code POST /_matrix/key/v2/query}): the {@code server_keys} it answered. */
    @FunctionalInterface
    public interface NotaryQuery {
        List<ObjectNode> query(String notary, String serverName) throws IOException;
    }

    /**
     * A notary this server trusts.
     *
     * @param serverName its name
     * @param keys the keys its answers must be signed with; empty for the keys it publishes itself
     */
    public record Notary(String serverName, List<VerifyKey> keys) {

        public Notary {
            keys = List.copyOf(keys);
        }
    }

    /** The shortest time between two fetches of one server's keys after a failure or an expired answer. */
    static final long RETRY_MS = 5_000;
    /** The longest a key response is trusted after it was fetched. */
    static final long MAX_VALIDITY_MS = 7L * 24 * 3600_000;

    private static final Logger LOG = LoggerFactory.getLogger(RemoteKeyService.class);

    private record Entry(ObjectNode json, long validUntilTs, long fetchedTs) {}

    private final RemoteKeyStore store;
    private final Fetcher fetcher;
    private final OwnKeys own;
    private final LongSupplier clock;
    private final List<Notary> notaries;
    private final NotaryQuery notaryQuery;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Map<String, Long> lastFailure = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public RemoteKeyService(RemoteKeyStore store, Fetcher fetcher, OwnKeys own, LongSupplier clock) {
        this(store, fetcher, own, clock, List.of(), (notary, serverName) -> List.of());
    }

    public RemoteKeyService(RemoteKeyStore store, Fetcher fetcher, OwnKeys own, LongSupplier clock, List<Notary> notaries,
            NotaryQuery notaryQuery) {
        this.notaries = List.copyOf(notaries);
        this.notaryQuery = notaryQuery;
        this.store = store;
        this.fetcher = fetcher;
        this.own = own;
        this.clock = clock;
    }

    /** Any key {@code serverName} published (current or old) with its validity, fetching when the cache does not hold it. */
    @Override
    public Optional<VerifyKey> find(String serverName, String keyId) {
        if (serverName.equals(own.serverName())) {
            return anyOwnKey(keyId);
        }
        Optional<Entry> entry = current(serverName, clock.getAsLong(), Optional.of(keyId));
        return entry.flatMap(e -> verifyKey(e, keyId).or(() -> oldKey(e, keyId)));
    }

    /** A key that {@code serverName} currently signs requests with ({@code verify_keys}), valid now. */
    public Optional<VerifyKey> requestKey(String serverName, String keyId) {
        if (serverName.equals(own.serverName())) {
            return ownKey(keyId);
        }
        return current(serverName, clock.getAsLong(), Optional.of(keyId))
                .flatMap(e -> verifyKey(e, keyId))
                .filter(k -> k.validUntilTs() > clock.getAsLong()); // valid now, after a fetch that may have taken a while
    }

    /**
     * {@code serverName}'s signed key response, valid at least until {@code minimumValidUntilTs} when it can be had
     * (a notary's answer: fetched again when the cached one is older; the cached one when the server cannot be reached).
     */
    public Optional<ObjectNode> response(String serverName, long minimumValidUntilTs) {
        if (serverName.equals(own.serverName())) {
            return Optional.of(own.response());
        }
        long wanted = Math.max(minimumValidUntilTs, clock.getAsLong());
        return current(serverName, wanted, Optional.empty()).map(e -> e.json().deepCopy());
    }

    private Optional<VerifyKey> ownKey(String keyId) {
        VerifyKey key = own.signingKey().verifyKey();
        return key.keyId().equals(keyId) ? Optional.of(key) : Optional.empty();
    }

    /** One of this server's keys, current or old (valid until it expired), for checking its own events. */
    private Optional<VerifyKey> anyOwnKey(String keyId) {
        return ownKey(keyId).or(() -> own.oldKeys().stream().filter(k -> k.key().keyId().equals(keyId)).findFirst()
                .map(k -> k.key().validUntil(k.expiredTs())));
    }

    /** The entry of {@code serverName}, fetched again when it is not valid until {@code wantedTs} or lacks the wanted key. */
    private Optional<Entry> current(String serverName, long wantedTs, Optional<String> keyId) {
        Entry entry = cached(serverName);
        if (entry != null && entry.validUntilTs() >= wantedTs && keyId.map(k -> has(entry, k)).orElse(true)) {
            return Optional.of(entry);
        }
        synchronized (locks.computeIfAbsent(serverName, k -> new Object())) {
            Entry again = cached(serverName);
            if (again != null && again.validUntilTs() >= wantedTs && keyId.map(k -> has(again, k)).orElse(true)) {
                return Optional.of(again);
            }
            long now = clock.getAsLong();
            Long failed = lastFailure.get(serverName);
            boolean recent = (failed != null && now - failed < RETRY_MS) || (again != null && now - again.fetchedTs() < RETRY_MS);
            if (recent) {
                return Optional.ofNullable(again);
            }
            Optional<Entry> fetched = fetch(serverName, now);
            if (fetched.isEmpty()) {
                lastFailure.put(serverName, now);
                return Optional.ofNullable(again);
            }
            lastFailure.remove(serverName);
            Entry e = fetched.get();
            store.saveRemoteKeys(new RemoteKeyStore.RemoteKeys(serverName, MatrixJson.write(e.json()), e.validUntilTs(), e.fetchedTs()));
            cache.put(serverName, e);
            return fetched;
        }
    }

    private Entry cached(String serverName) {
        Entry entry = cache.get(serverName);
        if (entry != null) {
            return entry;
        }
        Optional<Entry> stored = store.remoteKeys(serverName).flatMap(r -> {
            try {
                JsonNode json = MatrixJson.mapper().readTree(r.keyJson());
                return json instanceof ObjectNode o ? Optional.of(new Entry(o, r.validUntilTs(), r.fetchedTs())) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
        stored.ifPresent(e -> cache.put(serverName, e));
        return stored.orElse(null);
    }

    private Optional<Entry> fetch(String serverName, long now) {
        return direct(serverName, now).or(() -> throughNotaries(serverName, now));
    }

    private Optional<Entry> direct(String serverName, long now) {
        ObjectNode json;
        try {
            json = fetcher.fetch(serverName);
        } catch (IOException | RuntimeException e) {
            LOG.info("cannot fetch the keys of {}: {}", serverName, e.getMessage());
            return Optional.empty();
        }
        Optional<String> problem = problem(serverName, json);
        if (problem.isPresent()) {
            LOG.warn("refusing the keys of {}: {}", serverName, problem.get());
            return Optional.empty();
        }
        return Optional.of(entry(json, now));
    }

    /** The answer of the first notary that gives one of {@code serverName}'s key responses, signed by it and by the server. */
    private Optional<Entry> throughNotaries(String serverName, long now) {
        for (Notary notary : notaries) {
            if (notary.serverName().equals(serverName)) {
                continue;
            }
            List<ObjectNode> answers;
            try {
                answers = notaryQuery.query(notary.serverName(), serverName);
            } catch (IOException | RuntimeException e) {
                LOG.info("cannot ask the notary {} for the keys of {}: {}", notary.serverName(), serverName, e.getMessage());
                continue;
            }
            ServerKeys notaryKeys = notary.keys().isEmpty() ? this::requestKey : ServerKeys.of(Map.of(notary.serverName(), notary.keys()));
            Optional<ObjectNode> best = answers.stream()
                    .filter(json -> problem(serverName, json).isEmpty())
                    .filter(json -> JsonSigning.verify(json, notary.serverName(), notaryKeys).isVerified())
                    .max(java.util.Comparator.comparingLong(json -> json.path("valid_until_ts").longValue()));
            if (best.isPresent()) {
                return Optional.of(entry(best.get(), now));
            }
            LOG.warn("the notary {} gave no answer for {} signed by both", notary.serverName(), serverName);
        }
        return Optional.empty();
    }

    private static Entry entry(ObjectNode json, long now) {
        long validUntil = Math.min(json.get("valid_until_ts").longValue(), now + MAX_VALIDITY_MS);
        return new Entry(json, validUntil, now);
    }

    /** What is wrong with a server's key response, if anything: its name, its keys, its self-signature. */
    static Optional<String> problem(String serverName, ObjectNode json) {
        if (!serverName.equals(json.path("server_name").textValue())) {
            return Optional.of("server_name is not " + serverName);
        }
        if (!json.path("valid_until_ts").canConvertToLong() || !json.path("valid_until_ts").isIntegralNumber()) {
            return Optional.of("no valid_until_ts");
        }
        JsonNode verifyKeys = json.path("verify_keys");
        if (!verifyKeys.isObject() || verifyKeys.isEmpty()) {
            return Optional.of("no verify_keys");
        }
        Map<String, java.util.List<VerifyKey>> keys = new HashMap<>();
        for (Map.Entry<String, JsonNode> k : verifyKeys.properties()) {
            try {
                keys.computeIfAbsent(serverName, s -> new java.util.ArrayList<>()).add(VerifyKey.of(k.getKey(), k.getValue().path("key").asText()));
            } catch (IllegalArgumentException e) {
                return Optional.of("verify key " + k.getKey() + " is not an ed25519 key");
            }
        }
        var verification = JsonSigning.verify(json, serverName, ServerKeys.of(keys));
        return verification instanceof dev.mxspec.homeserver.crypto.Verification.Failed(String reason) ? Optional.of(reason) : Optional.empty();
    }

    private static boolean has(Entry entry, String keyId) {
        return entry.json().path("verify_keys").has(keyId) || entry.json().path("old_verify_keys").has(keyId);
    }

    private static Optional<VerifyKey> verifyKey(Entry entry, String keyId) {
        JsonNode key = entry.json().path("verify_keys").path(keyId).path("key");
        return parse(keyId, key).map(k -> k.validUntil(entry.validUntilTs()));
    }

    private static Optional<VerifyKey> oldKey(Entry entry, String keyId) {
        JsonNode old = entry.json().path("old_verify_keys").path(keyId);
        if (!old.path("expired_ts").isIntegralNumber()) {
            return Optional.empty();
        }
        return parse(keyId, old.path("key")).map(k -> k.validUntil(old.path("expired_ts").longValue()));
    }

    private static Optional<VerifyKey> parse(String keyId, JsonNode key) {
        if (!key.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(VerifyKey.of(keyId, key.textValue()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
