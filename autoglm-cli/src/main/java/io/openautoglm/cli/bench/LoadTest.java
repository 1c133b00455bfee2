package io.openautoglm.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.server.AutoglmServer;
import io.openautoglm.server.BatchingConfig;
import io.openautoglm.server.ServerConfig;
import io.openautoglm.server.ServerMetrics;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
import javax.imageio.ImageIO;

/**
 * Closed-loop load against a real server on loopback (in this JVM, port 0): concurrency 1, 4, 16,
 * 64 on {@code /v1/embeddings} (texts, and pictures as data URLs), with micro-batching on and off
 * in the same run and the cache off (every request reaches the model). Then an open-loop overload
 * phase at twice the measured peak rate: errors should be 429s only, admitted latency bounded by
 * the queue, resident memory flat. Bounded in time; loopback only.
 *
 * <pre>java -cp ... io.openautoglm.cli.bench.LoadTest --model DIR [--seconds 6] [--json FILE]</pre>
 */
public final class LoadTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int[] CONCURRENCY = {1, 4, 16, 64};

    record Point(String mode, String input, int concurrency, double seconds, long ok, Map<Integer, Long> errors,
            double throughput, double p50Ms, double p99Ms, double itemsPerModelCall) {}

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of("models/autoglm-shapes-tiny");
        double seconds = 6;
        int rounds = 3;
        double overloadSeconds = 12;
        Path jsonOut = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> modelDir = Path.of(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--overload-seconds" -> overloadSeconds = Double.parseDouble(args[++i]);
                case "--json" -> jsonOut = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ObjectNode report = JSON.createObjectNode();
        List<Point> points = new ArrayList<>();
        try (MultimodalModel model = MultimodalModel.load(modelDir)) {
            List<String> images = pictures(64, model.preprocessor().imageSize());
            report.put("model", model.name());
            report.put("seconds_per_point", seconds);
            System.out.printf(Locale.ROOT, "model %s; %.0f s per point in %d rounds alternating on/off, 0.5 s warm-up each;"
                    + " cache off; client and server in one JVM%n", model.name(), seconds, rounds);
            System.out.printf(Locale.ROOT, "%-8s %-6s %5s | %9s %9s %9s %10s | %s%n", "batching", "input", "conc", "req/s", "p50 ms",
                    "p99 ms", "items/call", "errors");
            for (String input : List.of("text", "image")) {
                for (int c : CONCURRENCY) {
                    // On and off alternate in short rounds, so both see the same share of a busy machine.
                    try (AutoglmServer on = start(model, new BatchingConfig(32, 2, 1024));
                            AutoglmServer off = start(model, new BatchingConfig(1, 0, 1024))) {
                        List<Run> onRuns = new ArrayList<>();
                        List<Run> offRuns = new ArrayList<>();
                        for (int round = 0; round < rounds; round++) {
                            onRuns.add(closedLoop(on, model.name(), input, images, c, seconds / rounds));
                            offRuns.add(closedLoop(off, model.name(), input, images, c, seconds / rounds));
                        }
                        for (Point p : List.of(Run.merge("on", input, c, onRuns), Run.merge("off", input, c, offRuns))) {
                            points.add(p);
                            System.out.printf(Locale.ROOT, "%-8s %-6s %5d | %9.1f %9.1f %9.1f %10.1f | %s%n", p.mode(), input, c,
                                    p.throughput(), p.p50Ms(), p.p99Ms(), p.itemsPerModelCall(), p.errors().isEmpty() ? "none" : p.errors());
                        }
                    }
                }
            }
            System.out.println();
            System.out.println("batching speed-up (req/s on / off):");
            ArrayNode ratios = report.putArray("speedup");
            for (String input : List.of("text", "image")) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-6s", input));
                for (int c : CONCURRENCY) {
                    double on = find(points, "on", input, c).throughput();
                    double off = find(points, "off", input, c).throughput();
                    line.append(String.format(Locale.ROOT, "  c=%d: %.2fx", c, on / off));
                    ratios.addObject().put("input", input).put("concurrency", c).put("ratio", on / off);
                }
                System.out.println(line);
            }
            System.out.println("/api/search: not measured (needs the search index; the server answers 501 for now)");
            report.set("points", JSON.valueToTree(points));
            double peak = points.stream().filter(p -> p.mode().equals("on") && p.input().equals("image"))
                    .mapToDouble(Point::throughput).max().orElseThrow();
            report.set("overload", overload(model, images, peak, overloadSeconds));
        }
        if (jsonOut != null) {
            Files.writeString(jsonOut, JSON.writeValueAsString(report));
        }
        System.exit(0); // pooled client connections and their threads must not keep the JVM alive
    }

    private static AutoglmServer start(MultimodalModel model, BatchingConfig b) {
        return AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0).withCacheEntries(0)
                .withBatching(b, b), model).start();
    }

    private static Point find(List<Point> points, String mode, String input, int c) {
        return points.stream().filter(p -> p.mode().equals(mode) && p.input().equals(input) && p.concurrency() == c)
                .findFirst().orElseThrow();
    }

    private static String body(String model, String input, List<String> images, long n) {
        String value = input.equals("text")
                ? "a " + (n % 2 == 0 ? "large" : "small") + " red circle above a blue square " + n
                : images.get((int) (n % images.size()));
        return "{\"model\": \"" + model + "\", \"input\": \"" + value + "\"}";
    }

    /** One timed slice of closed-loop load: latencies of 200s (ns) and other answers by status. */
    record Run(double seconds, long[] latencies, Map<Integer, Long> errors, long modelCalls, double items) {
        static Point merge(String mode, String input, int concurrency, List<Run> runs) {
            double seconds = runs.stream().mapToDouble(Run::seconds).sum();
            long[] l = runs.stream().flatMapToLong(r -> java.util.Arrays.stream(r.latencies())).sorted().toArray();
            Map<Integer, Long> errors = new TreeMap<>();
            runs.forEach(r -> r.errors().forEach((k, v) -> errors.merge(k, v, Long::sum)));
            double calls = runs.stream().mapToLong(Run::modelCalls).sum();
            double items = runs.stream().mapToDouble(Run::items).sum();
            return new Point(mode, input, concurrency, seconds, l.length, errors, l.length / seconds, pct(l, 0.50), pct(l, 0.99),
                    calls == 0 ? Double.NaN : items / calls);
        }
    }

    private static Run closedLoop(AutoglmServer server, String model, String input, List<String> images,
            int concurrency, double seconds) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(server.url() + "/v1/embeddings");
        AtomicLong counter = new AtomicLong();
        ExecutorService users = Executors.newFixedThreadPool(concurrency);
        long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        long end = warmupEnd + (long) (seconds * 1e9);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicLong> errors = new ConcurrentHashMap<>();
        var batches = server.metrics().registry().get("autoglm.batch.size")
                .tag("function", input.equals("text") ? "text_embedding" : "image_embedding").summary();
        long callsBefore = batches.count();
        double itemsBefore = batches.totalAmount();
        for (int u = 0; u < concurrency; u++) {
            users.submit(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        status = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofString(body(model, input, images, counter.incrementAndGet())))
                                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException | InterruptedException e) {
                        status = -1;
                    }
                    long t1 = System.nanoTime();
                    // Answers that arrive inside the timed window count (closed-loop throughput).
                    if (t1 >= warmupEnd && t1 <= end) {
                        if (status == 200) {
                            latencies.add(t1 - t0);
                        } else {
                            errors.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        users.shutdown();
        users.awaitTermination((long) seconds + 120, TimeUnit.SECONDS);
        Map<Integer, Long> errs = new TreeMap<>();
        errors.forEach((k, v) -> errs.put(k, v.get()));
        // (model calls include the warm-up's; the ratio items/call is what they are for)
        return new Run(seconds, latencies.stream().mapToLong(Long::longValue).toArray(), errs,
                batches.count() - callsBefore, batches.totalAmount() - itemsBefore);
    }

    /** Open loop at twice the peak rate: count answers by status, admitted latency, RSS over time. */
    private static ObjectNode overload(MultimodalModel model, List<String> images, double peak, double seconds)
            throws Exception {
        double rate = 2 * peak;
        BatchingConfig b = BatchingConfig.DEFAULT; // queue 256: what a default `autoglm serve` has
        ObjectNode out = JSON.createObjectNode();
        try (AutoglmServer server = start(model, b)) {
            ExecutorService clientThreads = Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "load-client");
                t.setDaemon(true); // the JVM must exit when the test is over
                return t;
            });
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads).build();
            URI uri = URI.create(server.url() + "/v1/embeddings");
            Semaphore outstanding = new Semaphore(1024); // the client's own bound; a refusal here is counted
            ConcurrentLinkedQueue<Long> admitted = new ConcurrentLinkedQueue<>();
            Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
            AtomicInteger clientShed = new AtomicInteger();
            List<double[]> rss = new ArrayList<>(); // (seconds, MiB)
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long interval = (long) (1e9 / rate);
            long next = start;
            long n = 0;
            long nextSample = start;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (now >= nextSample) {
                    rss.add(new double[] {(now - start) / 1e9, ServerMetrics.residentBytes() / (1 << 20)});
                    nextSample += 500_000_000L;
                }
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
                client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofString(body(model.name(), "image", images, n++))).build(),
                        HttpResponse.BodyHandlers.discarding())
                        .whenComplete((r, e) -> {
                            int status = e != null ? -1 : r.statusCode();
                            byStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                            if (status == 200) {
                                admitted.add(System.nanoTime() - t0);
                            }
                            outstanding.release();
                        });
            }
            outstanding.acquire(1024); // all answered
            long[] l = admitted.stream().mapToLong(Long::longValue).sorted().toArray();
            Map<Integer, Long> statuses = new TreeMap<>();
            byStatus.forEach((k, v) -> statuses.put(k, v.get()));
            double warm = rss.stream().filter(s -> s[0] >= 2).mapToDouble(s -> s[1]).findFirst().orElse(Double.NaN);
            double max = rss.stream().filter(s -> s[0] >= 2).mapToDouble(s -> s[1]).max().orElse(Double.NaN);
            double last = rss.get(rss.size() - 1)[1];
            System.out.println();
            System.out.printf(Locale.ROOT, "overload: pictures offered at %.0f req/s (2x the batched peak of %.0f) for %.0f s, queue %d%n",
                    rate, peak, seconds, b.queueCapacity());
            System.out.printf(Locale.ROOT, "  answers by status: %s; client-side shed (1024 outstanding): %d%n", statuses, clientShed.get());
            System.out.printf(Locale.ROOT, "  admitted: %.1f req/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", l.length / seconds,
                    pct(l, 0.5), pct(l, 0.99), l.length == 0 ? 0 : l[l.length - 1] / 1e6);
            System.out.printf(Locale.ROOT, "  resident memory (whole JVM: server and client): %.0f MiB at 2 s, max %.0f MiB after 2 s, %.0f MiB at the end%n",
                    warm, max, last);
            boolean only429 = statuses.keySet().stream().allMatch(s -> s == 200 || s == 429);
            System.out.println("  errors other than 429: " + (only429 ? "none" : statuses));
            out.put("offered_rate", rate);
            out.put("peak_batched_rate", peak);
            out.put("seconds", seconds);
            out.set("statuses", JSON.valueToTree(statuses));
            out.put("client_shed", clientShed.get());
            out.put("admitted_p50_ms", pct(l, 0.5));
            out.put("admitted_p99_ms", pct(l, 0.99));
            out.put("only_429_errors", only429);
            out.set("rss_mib", JSON.valueToTree(rss));
        }
        return out;
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }

    /** ShapeWorld-palette pictures, one shape each, as data URLs (distinct bytes: the cache could not help anyway). */
    static List<String> pictures(int count, int size) throws IOException {
        Color[] colours = {new Color(230, 35, 35), new Color(40, 200, 60), new Color(40, 100, 255), new Color(245, 230, 40)};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(45, 45, 45 + i % 8));
            g.fillRect(0, 0, size, size);
            g.setColor(colours[i % colours.length]);
            int r = size / 5 + i % (size / 4);
            g.fillOval(size / 2 - r, size / 2 - r, 2 * r, 2 * r);
            g.dispose();
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(img, "png", png);
            out.add("data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray()));
        }
        return out;
    }

    private LoadTest() {}
}
