package dev.mxspec.homeserver.federation;

import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.function.Function;

/**
 * What federation refuses, counted (Micrometer, see {@link dev.mxspec.homeserver.core.Metrics}):
 * <ul>
 *   <li>{@code mxspec_federation_received_pdus_total{result, reason}}: each PDU of another server's transaction, by
 *       result ({@code accepted}, {@code rejected}, {@code soft_failed}, {@code dropped}) and, for dropped ones, why
 *       (an errcode, or {@code acl_denied}, {@code missing_events});</li>
 *   <li>{@code mxspec_federation_refused_requests_total{status, errcode}}: requests to the federation listener answered
 *       with an error (bad signatures are {@code 401 M_UNAUTHORIZED}, malformed bodies {@code 400 M_BAD_JSON} or
 *       {@code M_NOT_JSON}, ...);</li>
 *   <li>{@code mxspec_federation_ignored_edus_total{type}}: EDUs not taken in (another server's user, a room the user is
 *       not in, a malformed content).</li>
 * </ul>
 * Tag values are a closed set (results, errcodes, reasons, EDU types of the spec): a remote server cannot make the
 * registry grow by what it sends.
 */
public final class FederationMetrics {

    /** Reasons a PDU of a transaction is dropped before the room's rules see it. */
    public enum Dropped {
        ACL_DENIED, MISSING_EVENTS;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MeterRegistry registry;

    public FederationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counters kept in a registry of their own, read by nobody (for parts built without a server's metrics). */
    public static FederationMetrics unregistered() {
        return new FederationMetrics(new SimpleMeterRegistry());
    }

    /** A PDU taken in: accepted (no status), rejected or soft-failed. */
    public void received(Optional<EventStatus> status) {
        pdus(status.map(EventStatus::column).orElse("accepted"), "").increment();
    }

    /** A PDU dropped before the room's rules: {@code why}. */
    public void dropped(Dropped why) {
        pdus("dropped", why.tag()).increment();
    }

    /** A PDU dropped by a check that answered {@code errcode} (format, signatures, unknown room...). */
    public void dropped(String errcode) {
        pdus("dropped", errcode.matches("M_[A-Z_]{1,40}") ? errcode : "other").increment();
    }

    /** An EDU of {@code type} not taken in. */
    public void ignoredEdu(String type) {
        String tag = type.matches("m\\.[a-z_.]{1,40}") ? type : "other";
        Counter.builder("mxspec.federation.ignored.edus").description("EDUs of other servers not taken in")
                .tag("type", tag).register(registry).increment();
    }

    /** The number of PDUs counted with {@code result} (and {@code reason}, empty for any). */
    public double pdus(String result, Optional<String> reason) {
        return registry.find("mxspec.federation.received.pdus").tag("result", result).counters().stream()
                .filter(c -> reason.isEmpty() || reason.get().equals(c.getId().getTag("reason")))
                .mapToDouble(Counter::count).sum();
    }

    /** The number of requests refused with {@code status}. */
    public double refused(int status) {
        return registry.find("mxspec.federation.refused.requests").tag("status", Integer.toString(status)).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** {@code router}, counting the errors it answers. */
    public Function<ServerRequest, ServerResponse> counting(Function<ServerRequest, ServerResponse> router) {
        return request -> {
            ServerResponse response = router.apply(request);
            if (response.status() >= 400) {
                Counter.builder("mxspec.federation.refused.requests").description("requests to the federation listener answered with an error")
                        .tag("status", Integer.toString(response.status())).tag("errcode", errcode(response))
                        .register(registry).increment();
            }
            return response;
        };
    }

    private Counter pdus(String result, String reason) {
        return Counter.builder("mxspec.federation.received.pdus").description("PDUs of other servers' transactions, by result")
                .tag("result", result).tag("reason", reason).register(registry);
    }

    private static String errcode(ServerResponse response) {
        if (response.contentType() == null || !response.contentType().startsWith("application/json") || response.body().length > 4096) {
            return "none";
        }
        try {
            String code = dev.mxspec.runtime.json.MatrixJson.mapper().readTree(response.body()).path("errcode").asText("none");
            return code.matches("M_[A-Z_]{1,40}") ? code : "other";
        } catch (java.io.IOException | RuntimeException notJson) {
            return "none";
        }
    }
}
