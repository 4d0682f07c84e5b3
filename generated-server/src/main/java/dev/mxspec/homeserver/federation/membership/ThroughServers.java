package dev.mxspec.homeserver.federation.membership;

import dev.mxspec.runtime.api.MatrixException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A membership step ({@code make_join}/{@code send_join}, {@code make_leave}/{@code send_leave}) tried at the servers
 * of a room in turn, the first that takes it winning: the servers given, then the room ID's own, never this server.
 */
final class ThroughServers {

    private static final Logger LOG = LoggerFactory.getLogger(ThroughServers.class);

    /** The step at one server. */
    @FunctionalInterface
    interface Step {
        String at(String server) throws IOException;
    }

    private ThroughServers() {}

    /** A step's answer that ends the tries: the step was taken, and its outcome is {@link #refusal}, for the client. */
    static final class Decided extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final MatrixException refusal;

        Decided(MatrixException refusal) {
            super(refusal.getMessage(), null, false, false);
            this.refusal = refusal;
        }

        MatrixException refusal() {
            return refusal;
        }
    }

    /**
     * The result of the first server that takes {@code step}; when none does, the exception {@code noneTook} makes
     * of whether there was any server to try and of each one's failure. A step that throws {@link Decided} ends the
     * tries with its refusal.
     */
    static String first(String serverName, String roomId, List<String> servers, String what, Step step,
            BiFunction<Boolean, List<String>, MatrixException> noneTook) {
        Set<String> candidates = new LinkedHashSet<>(servers);
        int colon = roomId.indexOf(':');
        if (colon > 0) {
            candidates.add(roomId.substring(colon + 1));
        }
        candidates.remove(serverName);
        List<String> failures = new ArrayList<>();
        for (String server : candidates) {
            try {
                return step.at(server);
            } catch (Decided decided) {
                throw decided.refusal();
            } catch (IOException | MatrixException e) {
                LOG.info("{} {} through {} failed: {}", what, roomId, server, e.getMessage());
                failures.add(server + ": " + e.getMessage());
            }
        }
        throw noneTook.apply(!candidates.isEmpty(), failures);
    }
}
