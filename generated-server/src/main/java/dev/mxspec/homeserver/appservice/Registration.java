package dev.mxspec.homeserver.appservice;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An application service as its registration file describes it ({@code application-service-api.md}, "Registration").
 *
 * @param id the service's unique, unchanging ID
 * @param url where the homeserver reaches the service; empty when the file says {@code url: null} (no traffic)
 * @param asToken the token the service uses towards the homeserver
 * @param hsToken the token the homeserver uses towards the service
 * @param senderUserId the service's own user ({@code @sender_localpart:server_name})
 * @param users the user namespaces
 * @param aliases the room alias namespaces
 * @param rooms the room ID namespaces
 * @param rateLimited whether requests of users the service acts as are rate-limited (the sender never is)
 * @param protocols the third-party protocols the service bridges to
 * @param file the registration file it was read from
 */
public record Registration(String id, Optional<URI> url, String asToken, String hsToken, String senderUserId, List<Namespace> users,
        List<Namespace> aliases, List<Namespace> rooms, boolean rateLimited, List<String> protocols, Path file) {

    public Registration {
        users = List.copyOf(users);
        aliases = List.copyOf(aliases);
        rooms = List.copyOf(rooms);
        protocols = List.copyOf(protocols);
    }

    /** Whether the service may act as this user: its sender, or a user its user namespaces take in. */
    public boolean mayActAs(String userId) {
        return userId.equals(senderUserId) || matchesAny(users, userId);
    }

    public boolean userInNamespace(String userId) {
        return matchesAny(users, userId);
    }

    public boolean aliasInNamespace(String alias) {
        return matchesAny(aliases, alias);
    }

    public boolean roomInNamespace(String roomId) {
        return matchesAny(rooms, roomId);
    }

    /** Whether the user is in one of this service's exclusive user namespaces (or is its sender). */
    public boolean claimsUser(String userId) {
        return userId.equals(senderUserId) || matchesExclusive(users, userId);
    }

    /** Whether the alias is in one of this service's exclusive alias namespaces. */
    public boolean claimsAlias(String alias) {
        return matchesExclusive(aliases, alias);
    }

    public boolean providesProtocol(String protocol) {
        return protocols.contains(protocol);
    }

    private static boolean matchesAny(List<Namespace> namespaces, String id) {
        return namespaces.stream().anyMatch(n -> n.matches(id));
    }

    private static boolean matchesExclusive(List<Namespace> namespaces, String id) {
        return namespaces.stream().anyMatch(n -> n.exclusive() && n.matches(id));
    }

    /** The tokens stay out of logs and exception messages. */
    @Override
    public String toString() {
        return "Registration[id=" + id + ", url=" + url.map(URI::toString).orElse("null") + ", sender=" + senderUserId + ", file=" + file + "]";
    }
}
