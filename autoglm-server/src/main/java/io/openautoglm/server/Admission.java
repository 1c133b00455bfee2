package io.openautoglm.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Admission control for the API routes, decided once a request's body has been read (so a client
 * that stalls mid-body holds no slot), before any decoding or model work. A request is refused at once, without waiting, with 429 and {@code Retry-After}
 * when {@code limit} requests are already in flight across the routes ({@code reason="in_flight"}),
 * or when the model is behind: a batcher's oldest queued item has waited longer than its
 * queue-time limit ({@code reason="backlog"}). An overloaded server answers "not now" in a
 * millisecond instead of queueing the request behind work it cannot finish in time; the second
 * rule is what keeps admitted requests' latency bounded when the model slows down. The batchers'
 * bounded queues stay behind this as a last line (a request may carry many inputs).
 *
 * <p>Meters: {@code autoglm_http_in_flight} (requests holding a slot), {@code
 * autoglm_http_in_flight_limit}, {@code autoglm_http_rejected_total{reason,route}} (429s from this
 * class).
 */
final class Admission {
    private final int limit;
    private final Semaphore slots;
    private final MeterRegistry registry;
    private final Supplier<String> backlog;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

    /**
     * @param backlog null while the model keeps up, else why it is behind (one clause, for the
     *                429's message)
     */
    Admission(int limit, Supplier<String> backlog, MeterRegistry registry) {
        this.limit = limit;
        this.backlog = backlog;
        this.slots = new Semaphore(limit);
        this.registry = registry;
        Gauge.builder("autoglm.http.in.flight", this, Admission::inFlight)
                .description("API requests in flight (holding an admission slot)").register(registry);
        Gauge.builder("autoglm.http.in.flight.limit", () -> limit)
                .description("API requests in flight before 429 (--max-in-flight)").register(registry);
    }

    /**
     * Takes a slot for a request to {@code route}, or throws the 429 at once. The caller must
     * {@link #leave()} exactly once after a successful enter.
     */
    void enter(String route) {
        String behind = backlog.get();
        if (behind != null) {
            throw refuse(route, "backlog", "the server is busy: " + behind);
        }
        if (!slots.tryAcquire()) {
            throw refuse(route, "in_flight", "the server is busy (" + limit + " requests in flight)");
        }
    }

    private ApiException refuse(String route, String reason, String why) {
        rejected.computeIfAbsent(reason + " " + route, k -> Counter.builder("autoglm.http.rejected")
                .description("requests refused with 429 on arrival: in_flight (--max-in-flight requests held)"
                        + " or backlog (the model's queue had waited longer than --max-queue-ms)")
                .tag("route", route).tag("reason", reason).register(registry)).increment();
        return new ApiException(429, "overloaded", why + "; retry shortly", 1);
    }

    void leave() {
        slots.release();
    }

    int inFlight() {
        return limit - slots.availablePermits();
    }

    int limit() {
        return limit;
    }
}
