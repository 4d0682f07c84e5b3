package dev.mxspec.homeserver.federation;

import java.net.URI;

/**
 * Where requests for a server go, as server discovery found it.
 *
 * @param serverName the server name asked for (what requests are signed for)
 * @param host the host to connect to (a name, or an IP literal; IPv6 without brackets)
 * @param port the port to connect to
 * @param hostHeader the {@code Host} header the spec asks for
 * @param tlsName the name (or IP address) the server's certificate must be valid for
 */
public record Destination(String serverName, String host, int port, String hostHeader, String tlsName) {

    /** {@code https://host:port}. */
    public URI baseUri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("https://" + h + ":" + port);
    }
}
