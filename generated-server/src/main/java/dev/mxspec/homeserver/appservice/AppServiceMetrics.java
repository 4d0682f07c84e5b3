package dev.mxspec.homeserver.appservice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.IntSupplier;

/**
 * What the application services are sent, counted (Micrometer, see {@link dev.mxspec.homeserver.core.Metrics}):
 * <ul>
 *   <li>{@code mxspec_appservice_transactions_total{service, result}}: transactions sent, by result ({@code taken}: the
 *       service answered 200; {@code failed}: another answer or none, so it goes again later);</li>
 *   <li>{@code mxspec_appservice_events_total{service}}: the events of the transactions the service took;</li>
 *   <li>{@code mxspec_appservice_failures_in_a_row{service}}: how often the transaction in flight failed so far (0 once
 *       one is taken): a service that is down shows here first.</li>
 * </ul>
 * The {@code service} tag is a registration's {@code id}, from the configuration.
 */
public final class AppServiceMetrics {

    private final MeterRegistry registry;

    public AppServiceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counters kept in a registry of their own, read by nobody. */
    public static AppServiceMetrics unregistered() {
        return new AppServiceMetrics(new SimpleMeterRegistry());
    }

    /** A service's transaction of {@code events} events was taken. */
    void taken(String service, int events) {
        transactions(service, "taken").increment();
        Counter.builder("mxspec.appservice.events").description("events of the transactions application services took")
                .tag("service", service).register(registry).increment(events);
    }

    /** A service's transaction was not taken. */
    void failed(String service) {
        transactions(service, "failed").increment();
    }

    /** Reports the failures in a row of a service's queue. */
    void failuresInARow(String service, IntSupplier failures) {
        Gauge.builder("mxspec.appservice.failures.in.a.row", failures::getAsInt)
                .description("failures of the application service's transaction in flight so far").tag("service", service).register(registry);
    }

    private Counter transactions(String service, String result) {
        return Counter.builder("mxspec.appservice.transactions").description("transactions sent to application services")
                .tag("service", service).tag("result", result).register(registry);
    }
}
