package dev.mxspec.homeserver.federation;

import java.util.OptionalInt;

/**
 * A server name split into its hostname and optional port (the appendices' grammar: a DNS name, an IPv4
 * literal or a bracketed IPv6 literal, then {@code :port}).
 *
 * @param host the hostname; an IPv6 literal keeps its brackets
 * @param port the explicit port, if any
 */
public record ServerName(String host, OptionalInt port) {

    /** Parses {@code name}; {@link IllegalArgumentException} when it is not a server name. */
    public static ServerName parse(String name) {
        if (!dev.mxspec.runtime.server.PathGrammar.serverName(name)) {
            throw new IllegalArgumentException("not a server name: " + name);
        }
        int colon = name.startsWith("[") ? name.indexOf(':', name.indexOf(']')) : name.lastIndexOf(':');
        if (colon < 0) {
            return new ServerName(name, OptionalInt.empty());
        }
        int port = Integer.parseInt(name.substring(colon + 1));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        return new ServerName(name.substring(0, colon), OptionalInt.of(port));
    }

    /** Whether the hostname is an IPv4 or IPv6 literal. */
    public boolean isIpLiteral() {
        return FederationTls.ipLiteral(host).isPresent();
    }

    /** The hostname without the brackets of an IPv6 literal. */
    public String bareHost() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }
}
