package dev.mxspec.homeserver.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Resolves host names for an HTTP client and keeps only the addresses the server may connect to. The check is made on
 * the very addresses the client then connects to, so a name cannot resolve to an allowed address when checked and to a
 * denied one (loopback, the private network) a moment later when connected (DNS rebinding). When every address of a
 * name is denied, the connection fails with {@link DeniedAddress}.
 */
public final class CheckedResolver implements SocketAddressResolver {

    private final Predicate<InetAddress> permitted;
    private final Function<InetAddress, String> refusal;

    /**
     * @param permitted whether the server may connect to an address
     * @param refusal the message of the failure when none of a name's addresses is permitted, given one of them
     */
    public CheckedResolver(Predicate<InetAddress> permitted, Function<InetAddress, String> refusal) {
        this.permitted = permitted;
        this.refusal = refusal;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        try {
            List<InetSocketAddress> out = new ArrayList<>();
            InetAddress refused = null;
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (permitted.test(a)) {
                    out.add(new InetSocketAddress(a, port));
                } else {
                    refused = a;
                }
            }
            if (out.isEmpty()) {
                promise.failed(refused == null ? new UnknownHostException(host) : new DeniedAddress(refusal.apply(refused)));
                return;
            }
            promise.succeeded(out);
        } catch (UnknownHostException e) {
            promise.failed(e);
        }
    }

    /** The failure of a connection to a name whose every address is denied. */
    public static final class DeniedAddress extends IOException {
        private static final long serialVersionUID = 1L;

        DeniedAddress(String message) {
            super(message);
        }
    }

    /** The {@link DeniedAddress} among a failure's causes, if any. */
    public static Optional<DeniedAddress> denied(Throwable failure) {
        return cause(failure, DeniedAddress.class);
    }

    /** The first cause of {@code type} among a failure's causes, if any. */
    public static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }
}
