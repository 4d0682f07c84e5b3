package dev.mxspec.homeserver.federation;

import dev.mxspec.homeserver.core.FederationSettings;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.storage.Backends;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;

/** Homeservers with federation for tests, named {@code localhost:<federation port>}, with certificates of a {@link TestCa}. */
public final class FederationServers {

    private FederationServers() {}

    /** A free port on loopback, to name a server after before it starts. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * A free port that is none of {@code taken}: ports picked before and not bound yet are free again, and the system
     * may give one of them out a second time.
     */
    public static int freePortOtherThan(int... taken) throws IOException {
        while (true) {
            int port = freePort();
            if (java.util.Arrays.stream(taken).noneMatch(t -> t == port)) {
                return port;
            }
        }
    }

    /** Federation listening on {@code port} with the certificate {@code tls} (certificate, key), trusting {@code ca}. */
    public static FederationSettings settings(int port, Path[] tls, Path ca, boolean skipChecks, long keyValidityMs) {
        return new FederationSettings(port, Optional.of(tls[0].toString()), Optional.of(tls[1].toString()),
                Optional.ofNullable(ca).map(Path::toString), skipChecks, keyValidityMs);
    }

    public static Homeserver start(String backend, Path dir, FederationSettings settings) throws Exception {
        return Homeserver.start(config(backend, dir, settings));
    }

    /** The configuration {@link #start} starts a server with (a new database schema for PostgreSQL): start it again to restart. */
    public static ServerConfig config(String backend, Path dir, FederationSettings settings) throws Exception {
        return config(backend, dir, settings, "localhost:" + settings.port());
    }

    /** {@link #config} of a server named {@code serverName} (reached through another port than its listener's, a proxy's). */
    public static ServerConfig config(String backend, Path dir, FederationSettings settings, String serverName) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        return new ServerConfig(serverName, "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg,
                true, 0, 0).withFederation(settings);
    }

    public static String name(Homeserver server) {
        return server.config().serverName();
    }

    /** The server's own signing key, as its storage keeps it. */
    public static SigningKey signingKey(Homeserver server) {
        return server.storage().signingSeed("ed25519:a").map(SigningKey::decode).orElseThrow();
    }
}
