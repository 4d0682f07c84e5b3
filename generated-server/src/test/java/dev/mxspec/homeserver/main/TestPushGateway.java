package dev.mxspec.homeserver.main;

import dev.mxspec.homeserver.http.HttpServer;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.spec.v1_7.pushgateway.NotifyRequestNotification;
import dev.mxspec.spec.v1_7.pushgateway.NotifyResponse;
import dev.mxspec.spec.v1_7.pushgateway.server.PushGatewayRouter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A push gateway on the generated push gateway server stubs: it keeps every notification it is
 * sent, can fail a number of requests (500) and rejects the pushkeys it is told to.
 */
final class TestPushGateway implements AutoCloseable {

    private final HttpServer server;
    private final BlockingQueue<NotifyRequestNotification> received = new LinkedBlockingQueue<>();
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    TestPushGateway() throws Exception {
        PushGatewayRouter router = PushGatewayRouter.builder((endpoint, request) -> null)
                .pushNotifier((context, request) -> {
                    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        failures.incrementAndGet();
                        throw new MatrixException(500, "M_UNKNOWN", "the push provider is down");
                    }
                    NotifyRequestNotification n = request.body().notification();
                    received.add(n);
                    List<String> refused = n.devices().stream().map(d -> d.pushkey()).filter(rejected::contains).toList();
                    return new NotifyResponse(refused, Map.of());
                })
                .build();
        server = HttpServer.start("127.0.0.1", 0, router::handle, 1 << 20);
    }

    String url() {
        return "http://127.0.0.1:" + server.port() + "/_matrix/push/v1/notify";
    }

    /** The next notification, waiting up to the given seconds; null when none came. */
    NotifyRequestNotification next(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    /** Whether nothing arrives within the given milliseconds. */
    boolean quietFor(long ms) throws InterruptedException {
        return received.poll(ms, TimeUnit.MILLISECONDS) == null;
    }

    void reject(String pushkey) {
        rejected.add(pushkey);
    }

    void failNext(int requests) {
        failNext.set(requests);
    }

    int failures() {
        return failures.get();
    }

    @Override
    public void close() {
        server.close();
    }
}
