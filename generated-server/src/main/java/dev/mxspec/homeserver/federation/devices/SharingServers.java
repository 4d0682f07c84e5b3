package dev.mxspec.homeserver.federation.devices;

import dev.mxspec.homeserver.services.Memberships;
import dev.mxspec.homeserver.storage.Records.Membership;
import java.util.Set;
import java.util.TreeSet;

/** Who shares a room with a user, as far as this server knows its rooms. */
final class SharingServers {

    private SharingServers() {}

    /** The servers with a user joined to a room {@code userId} is joined to (this server among them when it has one). */
    static Set<String> of(Memberships memberships, String userId) {
        Set<String> servers = new TreeSet<>();
        for (Membership m : memberships.ofUser(userId)) {
            if (m.membership().equals("join")) {
                memberships.joined(m.roomId()).forEach(u -> servers.add(SharingServers.serverOf(u)));
            }
        }
        return servers;
    }

    /** The other servers a user of {@code serverName} shares a room with: where news of the user goes (none for other servers' users). */
    static Set<String> others(Memberships memberships, String userId, String serverName) {
        if (!serverOf(userId).equals(serverName)) {
            return Set.of();
        }
        Set<String> servers = of(memberships, userId);
        servers.remove(serverName);
        return servers;
    }

    /** The server name of a user ID ({@code @local:server}), empty when it has none. */
    static String serverOf(String userId) {
        int colon = userId.indexOf(':');
        return colon < 0 ? "" : userId.substring(colon + 1);
    }

    /** Whether {@code userId} (another server's) shares a room with a user of {@code serverName}. */
    static boolean sharesWithLocal(Memberships memberships, String userId, String serverName) {
        return of(memberships, userId).contains(serverName);
    }
}
