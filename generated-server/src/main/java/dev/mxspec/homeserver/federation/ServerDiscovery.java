package dev.mxspec.homeserver.federation;

import java.util.Optional;

/**
 * Resolving server names ("Server discovery") in the spec's order: an IP literal; a hostname with an explicit
 * port; the {@code /.well-known/matrix/server} delegation (itself an IP literal, a hostname with a port, or a
 * hostname looked up by SRV, else port 8448); SRV records of the hostname; the hostname on port 8448. SRV records
 * are looked up as {@code _matrix-fed._tcp} first (the name of later spec versions), then {@code _matrix._tcp}.
 * A name with an explicit port, such as {@code localhost:8448}, needs neither well-known nor SRV lookups.
 */
public final class ServerDiscovery {

    /** The port when nothing else gives one. */
    public static final int DEFAULT_PORT = 8448;

    private final WellKnownLookup wellKnown;
    private final SrvLookup srv;

    public ServerDiscovery(WellKnownLookup wellKnown, SrvLookup srv) {
        this.wellKnown = wellKnown;
        this.srv = srv;
    }

    /** Where requests for {@code serverName} go; {@link IllegalArgumentException} when it is not a server name. */
    public Destination resolve(String serverName) {
        ServerName name = ServerName.parse(serverName);
        // 1. an IP literal, with its port or 8448; the Host header is the server name
        if (name.isIpLiteral()) {
            return new Destination(serverName, name.bareHost(), name.port().orElse(DEFAULT_PORT), serverName, name.bareHost());
        }
        // 2. a hostname with an explicit port
        if (name.port().isPresent()) {
            return new Destination(serverName, name.host(), name.port().getAsInt(), serverName, name.host());
        }
        // 3. delegation through /.well-known/matrix/server
        Optional<String> delegated = wellKnown.delegatedServer(name.host());
        if (delegated.isPresent()) {
            ServerName delegate = ServerName.parse(delegated.get());
            if (delegate.isIpLiteral()) {
                return new Destination(serverName, delegate.bareHost(), delegate.port().orElse(DEFAULT_PORT), delegated.get(),
                        delegate.bareHost());
            }
            if (delegate.port().isPresent()) {
                return new Destination(serverName, delegate.host(), delegate.port().getAsInt(), delegated.get(), delegate.host());
            }
            return srv(delegate.host())
                    .map(t -> new Destination(serverName, t.host(), t.port(), delegate.host(), delegate.host()))
                    .orElseGet(() -> new Destination(serverName, delegate.host(), DEFAULT_PORT, delegate.host(), delegate.host()));
        }
        // 4. SRV records of the hostname, 5. the hostname on 8448
        return srv(name.host())
                .map(t -> new Destination(serverName, t.host(), t.port(), name.host(), name.host()))
                .orElseGet(() -> new Destination(serverName, name.host(), DEFAULT_PORT, name.host(), name.host()));
    }

    private Optional<SrvLookup.Target> srv(String hostname) {
        return srv.lookup("_matrix-fed._tcp." + hostname).or(() -> srv.lookup("_matrix._tcp." + hostname));
    }
}
