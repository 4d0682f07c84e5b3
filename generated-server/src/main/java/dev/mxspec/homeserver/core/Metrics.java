package dev.mxspec.homeserver.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The server's counters, on Micrometer with a Prometheus registry (one per server, so that servers in one JVM keep
 * their own): the parts of the server register their meters on {@link #registry()}; {@link #answer} serves them as
 * {@code GET /metrics} in the Prometheus text format, beside the JVM's memory, GC, thread and CPU meters.
 */
public final class Metrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The metrics listener's answer: {@code GET /metrics} the counters, anything else 404. */
    public ServerResponse answer(ServerRequest request) {
        if (!request.path().equals("/metrics")) {
            return ServerResponse.bytes(404, "text/plain; charset=utf-8", Map.of(), "not found\n".getBytes(StandardCharsets.UTF_8));
        }
        if (!request.method().equals("GET")) {
            return ServerResponse.bytes(405, "text/plain; charset=utf-8", Map.of("Allow", "GET"),
                    "GET only\n".getBytes(StandardCharsets.UTF_8));
        }
        return ServerResponse.bytes(200, "text/plain; version=0.0.4; charset=utf-8", Map.of(),
                registry.scrape().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
