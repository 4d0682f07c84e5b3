package dev.mxspec.homeserver.crypto;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Where verification keys come from: a cache, the key server, a notary. Supplied by the caller. */
@FunctionalInterface
public interface ServerKeys {

    /** The key {@code keyId} of {@code serverName}, if known. */
    Optional<VerifyKey> find(String serverName, String keyId);

    /** Knows no keys. */
    static ServerKeys none() {
        return (serverName, keyId) -> Optional.empty();
    }

    /** Knows exactly the given keys of each server. */
    static ServerKeys of(Map<String, ? extends Collection<VerifyKey>> keysByServer) {
        Map<String, List<VerifyKey>> copy = keysByServer.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
        return (serverName, keyId) -> copy.getOrDefault(serverName, List.of()).stream()
                .filter(key -> key.keyId().equals(keyId))
                .findFirst();
    }

    /** Knows one key of one server. */
    static ServerKeys of(String serverName, VerifyKey key) {
        return of(Map.of(serverName, List.of(key)));
    }
}
