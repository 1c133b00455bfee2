package io.openautoglm.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openautoglm.core.routing.Route;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The student side of {@code /api/classify} routing: its own {@link EmbeddingService} (batchers and
 * cache of its own, so its vectors never mix with the served model's), the threshold, and the
 * {@code autoglm_route_total{route="student"|"teacher"}} counters. The student's batcher and cache
 * meters go to a registry of their own (same names as the served model's would clash); the route
 * counters are what /metrics shows of it.
 */
final class StudentRouting implements AutoCloseable {
    private final EmbeddingService student;
    private final double threshold;
    private final Map<Route, Counter> counters = new EnumMap<>(Route.class);

    StudentRouting(ServedParts.Student part, ServerConfig config, MeterRegistry registry, IntSupplier inFlight) {
        this.student = new EmbeddingService(part.model(), config, new SimpleMeterRegistry(), inFlight);
        this.threshold = part.threshold();
        for (Route r : Route.values()) {
            counters.put(r, Counter.builder("autoglm.route").description("zero-shot requests by the model that answered")
                    .tag("route", r.label()).register(registry));
        }
    }

    EmbeddingService student() {
        return student;
    }

    double threshold() {
        return threshold;
    }

    void count(Route route) {
        counters.get(route).increment();
    }

    @Override
    public void close() {
        student.close();
    }
}
