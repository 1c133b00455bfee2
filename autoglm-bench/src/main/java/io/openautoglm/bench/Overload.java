package io.openautoglm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load test's overload phase: pictures offered open-loop at twice the measured batched peak
 * to a default {@code autoglm serve} process. Counts answers by status, the latency of admitted
 * (200) and refused (429) requests, and samples the server process's resident memory and its
 * in-flight, queued-job and connection gauges over time.
 */
final class Overload {
    private static final ObjectMapper JSON = Harness.JSON;
    private static final int OUTSTANDING = 1024; // the client's own bound; a refusal here is counted

    private Overload() {}

    /** A sample of the server: (seconds since start, resident MiB, in flight, HTTP jobs queued, open connections). */
    private static final double MIB = 1024.0 * 1024.0;

    record Sample(double seconds, double rssMiB, double heapCommittedMiB, double heapUsedMiB, double inFlight, double jobsQueued,
            double connections) {}

    /** @param forcedRate requests per second to offer; 0: twice {@code peak} */
    static ObjectNode run(ServeProcess server, String model, List<String> images, double peak, double forcedRate, double seconds)
            throws Exception {
        double rate = forcedRate > 0 ? forcedRate : 2 * peak;
        String info = server.get("/api/info");
        var limits = JSON.readTree(info).path("limits");
        int queue = JSON.readTree(info).path("batching").path("image").path("queue_capacity").asInt();
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        String metricsBefore = server.get("/metrics");
        double maxHeapMiB = ServeProcess.sample(metricsBefore, "jvm_memory_max_bytes", "area=\"heap\"") / MIB;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        Thread sampler = new Thread(() -> {
            while (System.nanoTime() < end) {
                double rss = server.residentMiB();
                double inFlight = Double.NaN;
                double jobs = Double.NaN;
                double connections = Double.NaN;
                double heapCommitted = Double.NaN;
                double heapUsed = Double.NaN;
                try {
                    String m = server.get("/metrics", Duration.ofSeconds(2));
                    inFlight = ServeProcess.sample(m, "autoglm_http_in_flight", null);
                    jobs = ServeProcess.sample(m, "autoglm_http_jobs_queued", null);
                    connections = ServeProcess.sample(m, "autoglm_http_connections", "state=\"open\"");
                    heapCommitted = ServeProcess.sample(m, "jvm_memory_committed_bytes", "area=\"heap\"") / MIB;
                    heapUsed = ServeProcess.sample(m, "jvm_memory_used_bytes", "area=\"heap\"") / MIB;
                } catch (Exception e) {
                    // a missed scrape is a missing sample, not a failed test
                }
                samples.add(new Sample((System.nanoTime() - start) / 1e9, rss, heapCommitted, heapUsed, inFlight, jobs, connections));
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "overload-sampler");
        sampler.setDaemon(true);
        sampler.start();

        ExecutorService clientThreads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "load-client");
            t.setDaemon(true); // the JVM must exit when the test is over
            return t;
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads).build();
        URI uri = URI.create(server.url() + LoadTest.Kind.IMAGE.path);
        Semaphore outstanding = new Semaphore(OUTSTANDING);
        ConcurrentLinkedQueue<Long> admitted = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> refused = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
        AtomicInteger clientShed = new AtomicInteger();
        long interval = (long) (1e9 / rate);
        long next = start;
        long n = 0;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (now < next) {
                TimeUnit.NANOSECONDS.sleep(Math.min(next - now, 1_000_000));
                continue;
            }
            next += interval;
            if (!outstanding.tryAcquire()) {
                clientShed.incrementAndGet();
                continue;
            }
            long t0 = System.nanoTime();
            client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(LoadTest.body(model, LoadTest.Kind.IMAGE, images, n++))).build(),
                    HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        long took = System.nanoTime() - t0;
                        int status = e != null ? -1 : r.statusCode();
                        byStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                        if (status == 200) {
                            admitted.add(took);
                        } else if (status == 429) {
                            refused.add(took);
                        }
                        outstanding.release();
                    });
        }
        long sent = n;
        boolean drained = outstanding.tryAcquire(OUTSTANDING, 120, TimeUnit.SECONDS); // all answered
        sampler.join(2_000);
        String metricsAfter = server.get("/metrics");
        ServerSide refusedOnServer = ServerSide.of(metricsBefore, metricsAfter, "429");
        ServerSide admittedOnServer = ServerSide.of(metricsBefore, metricsAfter, "200");
        double backlogRefusals = delta(metricsBefore, metricsAfter, "autoglm_http_rejected_total", "reason=\"backlog\"");
        double inFlightRefusals = delta(metricsBefore, metricsAfter, "autoglm_http_rejected_total", "reason=\"in_flight\"");
        long[] ok = admitted.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] no = refused.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<Integer, Long> statuses = new TreeMap<>();
        byStatus.forEach((k, v) -> statuses.put(k, v.get()));
        List<Sample> s;
        synchronized (samples) {
            s = new ArrayList<>(samples);
        }
        List<Sample> warm = s.stream().filter(x -> x.seconds() >= 2).toList();
        double rssWarm = warm.isEmpty() ? Double.NaN : warm.get(0).rssMiB();
        double rssMax = warm.stream().mapToDouble(Sample::rssMiB).max().orElse(Double.NaN);
        double rssLast = s.isEmpty() ? Double.NaN : s.get(s.size() - 1).rssMiB();
        double heapWarm = warm.isEmpty() ? Double.NaN : warm.get(0).heapCommittedMiB();
        double heapMax = warm.stream().mapToDouble(Sample::heapCommittedMiB).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        double heapUsedMax = warm.stream().mapToDouble(Sample::heapUsedMiB).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        double inFlightMax = s.stream().mapToDouble(Sample::inFlight).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        double jobsMax = s.stream().mapToDouble(Sample::jobsQueued).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        double connMax = s.stream().mapToDouble(Sample::connections).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        boolean only429 = statuses.keySet().stream().allMatch(st -> st == 200 || st == 429);

        System.out.println();
        System.out.printf(Locale.ROOT, "overload: pictures offered at %.0f req/s (%s the batched peak of %.0f; %.0f req/s sent) for %.0f s"
                + " to a default `autoglm serve` (pid %d: picture queue %d, --max-in-flight %d), cache off, --no-fusion,"
                + " after a %.0f s warm-up%n", rate, forcedRate > 0 ? "--overload-rate; not 2x" : "2x", peak, sent / seconds, seconds,
                server.pid(), queue, limits.path("max_in_flight").asInt(), LoadTest.OVERLOAD_WARMUP_SECONDS);
        System.out.printf(Locale.ROOT, "  answers by status: %s; client-side shed (%d outstanding): %d%s%n", statuses, OUTSTANDING,
                clientShed.get(), drained ? "" : "; some never answered within 120 s");
        System.out.printf(Locale.ROOT, "  admitted (200): %.1f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", ok.length / seconds,
                LoadTest.pct(ok, 0.5), LoadTest.pct(ok, 0.99), ok.length == 0 ? Double.NaN : ok[ok.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "  refused (429): %.1f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", no.length / seconds,
                LoadTest.pct(no, 0.5), LoadTest.pct(no, 0.99), no.length == 0 ? Double.NaN : no[no.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "  refusals by reason (server counters): %.0f backlog (model queue waited over --max-queue-ms %d),"
                + " %.0f in_flight; the rest of the 429s came from a full model queue%n", backlogRefusals,
                JSON.readTree(info).path("batching").path("image").path("max_queue_ms").asInt(), inFlightRefusals);
        System.out.printf(Locale.ROOT, "  server-side time (its request timer, from dispatch to answer): 429s %s; 200s %s%n",
                refusedOnServer, admittedOnServer);
        System.out.printf(Locale.ROOT, "  server process resident memory (VmRSS): %.0f MiB at 2 s, max %.0f MiB after 2 s, %.0f MiB at the end%n",
                rssWarm, rssMax, rssLast);
        StringBuilder trajectory = new StringBuilder();
        for (double at = 0; at <= seconds + 0.01; at += 2) {
            double t = at;
            s.stream().filter(x -> x.seconds() >= t).findFirst().ifPresent(x -> trajectory.append(String.format(Locale.ROOT,
                    " %.0fs:%.0f/%.0f", x.seconds(), x.rssMiB(), x.heapCommittedMiB())));
        }
        System.out.println("  resident / heap committed MiB over the phase:" + trajectory);
        System.out.printf(Locale.ROOT, "  of which Java heap (committed): %.0f MiB at 2 s, max %.0f MiB after 2 s (heap in use at most %.0f MiB)"
                + " of a %.0f MiB maximum%n", heapWarm, heapMax, heapUsedMax, maxHeapMiB);
        System.out.printf(Locale.ROOT, "  server gauges, most seen (every 0.5 s): %.0f requests in flight, %.0f HTTP jobs queued, %.0f connections open%n",
                inFlightMax, jobsMax, connMax);
        System.out.println("  errors other than 429: " + (only429 ? "none" : statuses));

        ObjectNode out = JSON.createObjectNode();
        out.put("offered_rate", rate);
        out.put("rate_forced", forcedRate > 0);
        out.put("sent_rate", sent / seconds);
        out.put("peak_batched_rate", peak);
        out.put("seconds", seconds);
        out.set("server_limits", limits);
        out.set("statuses", JSON.valueToTree(statuses));
        out.put("client_shed", clientShed.get());
        out.put("admitted_p50_ms", LoadTest.pct(ok, 0.5));
        out.put("admitted_p99_ms", LoadTest.pct(ok, 0.99));
        out.put("refused_p50_ms", LoadTest.pct(no, 0.5));
        out.put("refused_p99_ms", LoadTest.pct(no, 0.99));
        out.put("only_429_errors", only429);
        out.put("refused_backlog", backlogRefusals);
        out.put("refused_in_flight", inFlightRefusals);
        out.put("server_429_within_1ms", refusedOnServer.within(0.001));
        out.put("server_429_within_5ms", refusedOnServer.within(0.005));
        out.put("server_200_within_1s", admittedOnServer.within(1.0));
        out.put("server_200_within_2500ms", admittedOnServer.within(2.5));
        out.set("server_samples", JSON.valueToTree(s));
        return out;
    }

    private static double delta(String before, String after, String metric, String labels) {
        double b = ServeProcess.sample(before, metric, labels);
        double a = ServeProcess.sample(after, metric, labels);
        return (Double.isNaN(a) ? 0 : a) - (Double.isNaN(b) ? 0 : b);
    }

    /**
     * The server's own view of the picture route's answers with one status during the overload:
     * its latency histogram (dispatch to answer written), which leaves out the time a request spent
     * in the client and the kernel, the part a 2-core loopback test inflates most.
     */
    record ServerSide(String status, double count, String before, String after) {
        static ServerSide of(String before, String after, String status) {
            return new ServerSide(status, delta(before, after, "autoglm_http_requests_seconds_count", label(status)), before, after);
        }

        private static String label(String status) {
            return "route=\"/v1/embeddings\",status=\"" + status + "\"";
        }

        /** The fraction answered within {@code seconds} (a bucket bound of the server's histogram). */
        double within(double seconds) {
            if (count == 0) {
                return Double.NaN;
            }
            // Micrometer writes bucket bounds as Double.toString does: le="0.001", le="1.0", le="2.5".
            String le = label(status) + ",le=\"" + seconds + "\"";
            return delta(before, after, "autoglm_http_requests_seconds_bucket", le) / count;
        }

        @Override
        public String toString() {
            if (count == 0) {
                return "none";
            }
            return String.format(Locale.ROOT, "%.0f answered, %.1f%% within 1 ms, %.1f%% within 5 ms, %.1f%% within 1 s, %.1f%% within 2.5 s",
                    count, 100 * within(0.001), 100 * within(0.005), 100 * within(1.0), 100 * within(2.5));
        }
    }
}
