package dev.mxspec.homeserver.main;

import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.storage.Backends;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Test homeservers on a free port, on SQLite or PostgreSQL (skipped when PostgreSQL is not configured). */
final class TestServers {

    private TestServers() {}

    static Homeserver start(String backend, Path dir, UnaryOperator<ServerConfig> configure) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        return Homeserver.start(configure.apply(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg,
                true, 0, 0)));
    }

    /** A port nothing listens on (a server that cannot be reached). */
    static int closedPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
