package io.openautoglm.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The Prometheus registry: requests by route and status with latency histograms, the batchers'
 * and cache's meters (registered by them), JVM heap/non-heap/buffer pools, GC, threads, CPU, and
 * the process's resident memory (which, unlike the JVM's own pools, includes libtorch's native
 * allocations).
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Set<String> routes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param routes the paths that get their own {@code route} tag; anything else is "other" (bounded cardinality) */
    public ServerMetrics(Set<String> routes) {
        this.routes.addAll(routes);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("autoglm.process.resident.memory", ServerMetrics::residentBytes)
                .description("resident set size of the whole process, JVM and native (libtorch) memory")
                .baseUnit("bytes").register(registry);
    }

    /**
     * The HTTP thread pool: {@code autoglm_http_threads{state="busy"|"max"}} and
     * {@code autoglm_http_jobs_queued} (connections with data waiting for a free thread; with the
     * admission limit below the pool's size it stays near 0 under any load).
     */
    void bindHttpThreads(org.eclipse.jetty.util.thread.QueuedThreadPool pool) {
        Gauge.builder("autoglm.http.threads", pool, org.eclipse.jetty.util.thread.QueuedThreadPool::getBusyThreads)
                .description("HTTP server threads").tag("state", "busy").register(registry);
        Gauge.builder("autoglm.http.threads", pool, org.eclipse.jetty.util.thread.QueuedThreadPool::getMaxThreads)
                .description("HTTP server threads").tag("state", "max").register(registry);
        Gauge.builder("autoglm.http.jobs.queued", pool, org.eclipse.jetty.util.thread.QueuedThreadPool::getQueueSize)
                .description("HTTP jobs waiting for a free thread").register(registry);
    }

    /** Open connections and their limit: {@code autoglm_http_connections{state="open"|"max"}}. */
    void bindConnections(java.util.function.IntSupplier open, int max) {
        Gauge.builder("autoglm.http.connections", open::getAsInt)
                .description("HTTP connections").tag("state", "open").register(registry);
        Gauge.builder("autoglm.http.connections", () -> max)
                .description("HTTP connections").tag("state", "max").register(registry);
    }

    /** One more path with its own {@code route} tag (a route plugged in through {@link ApiRoute}). */
    public void addRoute(String path) {
        routes.add(path);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Latency buckets for requests and model batches: a dozen fixed bounds instead of Micrometer's
     * ~70 percentile buckets, so a scrape stays small however many route/status pairs appear.
     */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)
    };

    public void recordRequest(String method, String path, int status, Duration took) {
        Timer.builder("autoglm.http.requests")
                .description("HTTP requests by route and status")
                .tag("method", method.equals("GET") || method.equals("POST") ? method : "other")
                .tag("route", routes.contains(path) ? path : "other")
                .tag("status", Integer.toString(status))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)
                .record(took);
    }

    public String scrape() {
        return registry.scrape();
    }

    /** Resident memory from /proc (Linux); -1 where there is none. */
    public static double residentBytes() {
        try {
            // statm: size resident shared ... in pages
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
