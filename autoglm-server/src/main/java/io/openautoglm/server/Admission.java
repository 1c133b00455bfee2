package io.openautoglm.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Admission control for the API routes: at most {@code limit} requests in flight across them,
 * counted from the moment a request is dispatched to its route (before its body is read). One
 * more is refused at once, without waiting, with 429 and {@code Retry-After}: an overloaded
 * server answers "not now" in a millisecond instead of queueing the request behind work it
 * cannot finish in time. The batchers' bounded queues stay behind this as a second line (a
 * request may carry many inputs).
 *
 * <p>Meters: {@code autoglm_http_in_flight} (requests holding a slot), {@code
 * autoglm_http_in_flight_limit}, {@code autoglm_http_rejected_total{route}} (429s from this limit).
 */
final class Admission {
    private final int limit;
    private final Semaphore slots;
    private final MeterRegistry registry;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

    Admission(int limit, MeterRegistry registry) {
        this.limit = limit;
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
        if (!slots.tryAcquire()) {
            rejected.computeIfAbsent(route, r -> Counter.builder("autoglm.http.rejected")
                    .description("requests refused with 429 because the server already held --max-in-flight requests")
                    .tag("route", r).register(registry)).increment();
            throw new ApiException(429, "overloaded", "the server is busy (" + limit
                    + " requests in flight); retry shortly", 1);
        }
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
