package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.VerifyKey;
import dev.mxspec.homeserver.storage.RemoteKeyStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The remote key service against fake servers and a clock of its own. */
class RemoteKeyServiceTest {

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final SigningKey remoteKey = SigningKey.generate("r1");
    private final OwnKeys remote = new OwnKeys("remote.test", remoteKey,
            List.of(new OwnKeys.OldKey(SigningKey.generate("r0").verifyKey(), 1_600_000_000_000L)), 60_000, now::get);
    private final OwnKeys local = new OwnKeys("local.test", SigningKey.generate("a"), List.of(), 60_000, now::get);
    private final AtomicInteger fetches = new AtomicInteger();
    private final Map<String, RemoteKeyStore.RemoteKeys> stored = new ConcurrentHashMap<>();
    private final RemoteKeyStore store = new RemoteKeyStore() {
        @Override
        public Optional<RemoteKeys> remoteKeys(String serverName) {
            return Optional.ofNullable(stored.get(serverName));
        }

        @Override
        public void saveRemoteKeys(RemoteKeys keys) {
            stored.put(keys.serverName(), keys);
        }
    };

    private RemoteKeyService service(UnaryOperator<ObjectNode> tamper) {
        return new RemoteKeyService(store, server -> {
            fetches.incrementAndGet();
            if (!server.equals("remote.test")) {
                throw new IOException("no such server");
            }
            return tamper.apply(remote.response());
        }, local, now::get);
    }

    @Test
    void keysAreFetchedOnceAndAgainWhenTheirValidityHasPassed() {
        RemoteKeyService keys = service(UnaryOperator.identity());
        Optional<VerifyKey> first = keys.requestKey("remote.test", remoteKey.keyId());
        assertThat(first).hasValue(remoteKey.verifyKey().validUntil(now.get() + 60_000));
        assertThat(keys.find("remote.test", remoteKey.keyId())).isEqualTo(first);
        assertThat(fetches).hasValue(1);

        now.addAndGet(60_001);
        assertThat(keys.requestKey("remote.test", remoteKey.keyId())).hasValue(remoteKey.verifyKey().validUntil(now.get() + 60_000));
        assertThat(fetches).hasValue(2);

        // a restarted server finds them in storage
        RemoteKeyService restarted = new RemoteKeyService(store, server -> {
            throw new IOException("not asked");
        }, local, now::get);
        assertThat(restarted.requestKey("remote.test", remoteKey.keyId())).isPresent();
    }

    @Test
    void oldKeysVerifyEventsUntilTheyExpiredButNeverRequests() {
        RemoteKeyService keys = service(UnaryOperator.identity());
        String oldId = "ed25519:r0";
        assertThat(keys.find("remote.test", oldId).map(VerifyKey::validUntilTs)).hasValue(1_600_000_000_000L);
        assertThat(keys.requestKey("remote.test", oldId)).isEmpty();
    }

    @Test
    void answersNotSignedByTheServerOrForAnotherServerAreRefused() {
        RemoteKeyService forged = service(json -> {
            ObjectNode copy = json.deepCopy();
            copy.put("valid_until_ts", json.get("valid_until_ts").longValue() + 1);
            return copy;
        });
        assertThat(forged.requestKey("remote.test", remoteKey.keyId())).isEmpty();
        RemoteKeyService renamed = service(json -> json.deepCopy().put("server_name", "other.test"));
        assertThat(renamed.requestKey("remote.test", remoteKey.keyId())).isEmpty();
        RemoteKeyService unsigned = service(json -> {
            ObjectNode copy = json.deepCopy();
            copy.remove("signatures");
            return copy;
        });
        assertThat(unsigned.requestKey("remote.test", remoteKey.keyId())).isEmpty();
        assertThat(stored).isEmpty();
    }

    @Test
    void validityIsCappedAtSevenDaysAndFailuresAreNotRetriedAtOnce() {
        RemoteKeyService keys = new RemoteKeyService(store, server -> {
            fetches.incrementAndGet();
            return new OwnKeys("remote.test", remoteKey, List.of(), 365L * 24 * 3600_000, now::get).response();
        }, local, now::get);
        assertThat(keys.requestKey("remote.test", remoteKey.keyId()).map(VerifyKey::validUntilTs))
                .hasValue(now.get() + RemoteKeyService.MAX_VALIDITY_MS);

        RemoteKeyService failing = service(UnaryOperator.identity());
        fetches.set(0);
        assertThat(failing.requestKey("unreachable.test", "ed25519:a")).isEmpty();
        assertThat(failing.requestKey("unreachable.test", "ed25519:a")).isEmpty();
        assertThat(fetches).hasValue(1);
        now.addAndGet(RemoteKeyService.RETRY_MS);
        failing.requestKey("unreachable.test", "ed25519:a");
        assertThat(fetches).hasValue(2);
    }
}
