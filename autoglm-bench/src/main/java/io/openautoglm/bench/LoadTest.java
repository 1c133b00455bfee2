package io.openautoglm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * Closed-loop load against real {@code autoglm serve} processes on loopback, driven from this JVM
 * (the client has its own process; the servers have theirs): concurrency 1, 4, 16, 64 on
 * {@code /v1/embeddings} (texts, and pictures as data URLs) and {@code /api/search} (text queries
 * against the demo gallery or {@code --index}), with micro-batching on and off in the same run and
 * the cache off (every request reaches the model). Then an open-loop overload phase at twice the
 * measured peak picture rate against a server with the default limits: errors should be 429s only
 * (answered at once), admitted latency bounded by the admission limit, the server's resident
 * memory flat. Bounded in time; loopback only.
 *
 * <pre>java -cp ... io.openautoglm.bench.LoadTest [--model DIR] [--index DIR | --gallery-dir DIR]
 *     [--seconds 6] [--rounds 3] [--overload-seconds 12] [--overload-rate REQ_PER_S] [--json FILE]</pre>
 *
 * {@code --overload-rate} replaces the measured "twice the batched peak" (e.g. to overload a server
 * on a machine too busy for the closed-loop peak to mean much).
 */
public final class LoadTest {
    private static final ObjectMapper JSON = Harness.JSON;
    private static final int[] CONCURRENCY = {1, 4, 16, 64};
    private static final int START_SECONDS = 600; // a first start builds the demo gallery
    static final double OVERLOAD_WARMUP_SECONDS = 2;

    /** What one closed-loop user sends: texts or pictures to /v1/embeddings, or text searches. */
    enum Kind {
        TEXT("text", "/v1/embeddings", "text_embedding"),
        IMAGE("image", "/v1/embeddings", "image_embedding"),
        SEARCH("search", "/api/search", "text_embedding");

        final String label;
        final String path;
        final String function;

        Kind(String label, String path, String function) {
            this.label = label;
            this.path = path;
            this.function = function;
        }
    }

    record Point(String mode, String input, int concurrency, double seconds, long ok, Map<Integer, Long> errors,
            double throughput, double p50Ms, double p99Ms, double itemsPerModelCall) {}

    static final String USAGE = "options: --model DIR --index DIR | --gallery-dir DIR --seconds 6 --rounds 3 --overload-seconds 12"
            + " --overload-rate REQ_PER_S (0: twice the batched peak) --json FILE";
    private static final Set<String> OPTIONS = Set.of("--model", "--index", "--gallery-dir", "--seconds", "--rounds",
            "--overload-seconds", "--overload-rate", "--json");

    public static void main(String[] args) throws Exception {
        BenchArgs.main("load test", USAGE, args, LoadTest::run);
    }

    private static void run(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, OPTIONS, Set.of());
        Path modelDir = a.path("--model", Path.of("models/autoglm-shapes-tiny"));
        Path index = a.path("--index", null);
        Path galleryDir = a.path("--gallery-dir", null);
        double seconds = a.decimal("--seconds", 6);
        int rounds = a.integer("--rounds", 3);
        double overloadSeconds = a.decimal("--overload-seconds", 12);
        double overloadRate = a.decimal("--overload-rate", 0); // 0: twice the measured batched peak
        Path jsonOut = a.path("--json", null);
        if (seconds <= 0 || rounds < 1 || overloadSeconds <= 0 || overloadRate < 0) {
            throw new UserInputException("--seconds and --overload-seconds must be positive, --rounds at least 1,"
                    + " --overload-rate 0 or more");
        }
        // Every server: this model, this index (or the demo gallery), the cache off, no fusion model
        // (its endpoints are not measured here; it would only add start time and resident memory).
        List<String> common = new ArrayList<>(List.of("--model", modelDir.toString(), "--cache-entries", "0", "--no-fusion"));
        if (index != null) {
            common.addAll(List.of("--index", index.toString()));
        } else if (galleryDir != null) {
            common.addAll(List.of("--gallery-dir", galleryDir.toString()));
        }

        ObjectNode report = JSON.createObjectNode();
        List<Point> points = new ArrayList<>();
        List<Kind> kinds;
        String model;
        List<String> images;
        // One at a time, so only the first start builds the demo gallery; both stay up for the rounds.
        try (ServeProcess on = ServeProcess.start("batching on", with(common, "--batch-size", "32", "--batch-wait-ms", "2",
                "--queue-capacity", "1024"), START_SECONDS, System.out);
                ServeProcess off = ServeProcess.start("batching off", with(common, "--batch-size", "1",
                        "--queue-capacity", "1024"), START_SECONDS, System.out)) {
            JsonNode info = JSON.readTree(on.get("/api/info"));
            model = info.path("model").asText();
            images = pictures(64, info.path("image_size").asInt());
            boolean search = false;
            for (JsonNode e : info.path("endpoints")) {
                search |= e.asText().equals("/api/search");
            }
            kinds = search ? List.of(Kind.TEXT, Kind.IMAGE, Kind.SEARCH) : List.of(Kind.TEXT, Kind.IMAGE);
            report.put("model", model);
            report.put("seconds_per_point", seconds);
            report.put("rounds", rounds);
            System.out.printf(Locale.ROOT, "model %s; servers: `autoglm serve` child processes (pid %d batching on: 32 items,"
                    + " 2 ms; pid %d off), cache off; client: this JVM, one keep-alive HTTP/1.1 socket per closed-loop user (overload: java.net.http, async)%n", model, on.pid(), off.pid());
            System.out.printf(Locale.ROOT, "%.0f s per point in %d rounds alternating on/off, 0.5 s warm-up each%n", seconds, rounds);
            System.out.printf(Locale.ROOT, "%-8s %-6s %5s | %9s %9s %9s %10s | %s%n", "batching", "input", "conc", "req/s",
                    "p50 ms", "p99 ms", "items/call", "errors");
            for (Kind kind : kinds) {
                for (int c : CONCURRENCY) {
                    // On and off alternate in short rounds, so both see the same share of a busy machine.
                    List<Run> onRuns = new ArrayList<>();
                    List<Run> offRuns = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        onRuns.add(closedLoop(on, model, kind, images, c, seconds / rounds));
                        offRuns.add(closedLoop(off, model, kind, images, c, seconds / rounds));
                    }
                    for (Point p : List.of(Run.merge("on", kind.label, c, onRuns), Run.merge("off", kind.label, c, offRuns))) {
                        points.add(p);
                        System.out.printf(Locale.ROOT, "%-8s %-6s %5d | %9.1f %9.1f %9.1f %10.1f | %s%n", p.mode(), p.input(), c,
                                p.throughput(), p.p50Ms(), p.p99Ms(), p.itemsPerModelCall(), p.errors().isEmpty() ? "none" : p.errors());
                    }
                }
            }
            report.put("server_rss_mib_after_rounds_on", on.residentMiB());
            report.put("server_rss_mib_after_rounds_off", off.residentMiB());
        }
        System.out.println();
        System.out.println("batching speed-up (req/s on / off):");
        ArrayNode ratios = report.putArray("speedup");
        for (Kind kind : kinds) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-6s", kind.label));
            for (int c : CONCURRENCY) {
                double onRate = find(points, "on", kind.label, c).throughput();
                double offRate = find(points, "off", kind.label, c).throughput();
                line.append(String.format(Locale.ROOT, "  c=%d: %.2fx", c, onRate / offRate));
                ratios.addObject().put("input", kind.label).put("concurrency", c).put("ratio", onRate / offRate);
            }
            System.out.println(line);
        }
        if (!kinds.contains(Kind.SEARCH)) {
            System.out.println("/api/search: not measured (the server serves no search: --no-gallery?)");
        }
        report.set("points", JSON.valueToTree(points));
        double peak = points.stream().filter(p -> p.mode().equals("on") && p.input().equals("image"))
                .mapToDouble(Point::throughput).max().orElseThrow();
        // The overload server is a default `autoglm serve` (queue 256, 128 in flight, 1 s queue-time limit), cache off.
        try (ServeProcess server = ServeProcess.start("overload", SERVER_JVM, common, START_SECONDS, System.out)) {
            // A fresh JVM: 2 s of closed-loop pictures first (JIT, libtorch's first batches), not reported.
            closedLoop(server, model, Kind.IMAGE, images, 16, OVERLOAD_WARMUP_SECONDS);
            report.set("overload", Overload.run(server, model, images, peak, overloadRate, overloadSeconds));
        }
        if (jsonOut != null) {
            Harness.writeJson(jsonOut, report);
        }
        System.exit(0); // pooled client connections and their threads must not keep the JVM alive
    }

    /**
     * The overload server's JVM, sized as a production server is: a fixed heap, touched at start,
     * so that its resident memory shows what the server holds rather than the JVM growing its heap
     * toward a quarter of the machine's memory (the default maximum) when allocation picks up.
     * 1 GiB covers 128 requests in flight with their bodies, pictures and answers.
     */
    static final List<String> SERVER_JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

    private static List<String> with(List<String> common, String... more) {
        List<String> out = new ArrayList<>(common);
        out.addAll(List.of(more));
        return out;
    }

    private static Point find(List<Point> points, String mode, String input, int c) {
        return points.stream().filter(p -> p.mode().equals(mode) && p.input().equals(input) && p.concurrency() == c)
                .findFirst().orElseThrow();
    }

    /** Request body number {@code n}: distinct texts (the cache is off anyway), the pictures in turn. */
    static String body(String model, Kind kind, List<String> images, long n) {
        String text = "a " + (n % 2 == 0 ? "large" : "small") + " red circle above a blue square " + n;
        return switch (kind) {
            case TEXT -> "{\"model\": \"" + model + "\", \"input\": \"" + text + "\"}";
            case IMAGE -> "{\"model\": \"" + model + "\", \"input\": \"" + images.get((int) (n % images.size())) + "\"}";
            case SEARCH -> "{\"text\": \"" + text + "\", \"k\": 10}";
        };
    }

    /** One timed slice of closed-loop load: latencies of 200s (ns) and other answers by status. */
    record Run(double seconds, long[] latencies, Map<Integer, Long> errors, double modelCalls, double items) {
        static Point merge(String mode, String input, int concurrency, List<Run> runs) {
            double seconds = runs.stream().mapToDouble(Run::seconds).sum();
            long[] l = runs.stream().flatMapToLong(r -> Arrays.stream(r.latencies())).sorted().toArray();
            Map<Integer, Long> errors = new TreeMap<>();
            runs.forEach(r -> r.errors().forEach((k, v) -> errors.merge(k, v, Long::sum)));
            double calls = runs.stream().mapToDouble(Run::modelCalls).sum();
            double items = runs.stream().mapToDouble(Run::items).sum();
            return new Point(mode, input, concurrency, seconds, l.length, errors, l.length / seconds, pct(l, 0.50), pct(l, 0.99),
                    calls == 0 ? Double.NaN : items / calls);
        }
    }

    private static Run closedLoop(ServeProcess server, String model, Kind kind, List<String> images,
            int concurrency, double seconds) throws Exception {
        URI uri = URI.create(server.url());
        AtomicLong counter = new AtomicLong();
        ExecutorService users = Executors.newFixedThreadPool(concurrency);
        String before = server.get("/metrics");
        long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        long end = warmupEnd + (long) (seconds * 1e9);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicLong> errors = new ConcurrentHashMap<>();
        for (int u = 0; u < concurrency; u++) {
            users.submit(() -> {
                try (KeepAliveClient client = new KeepAliveClient(uri, 60_000)) {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        int status;
                        try {
                            status = client.post(kind.path, body(model, kind, images, counter.incrementAndGet()));
                        } catch (IOException e) {
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
                }
                return null;
            });
        }
        users.shutdown();
        users.awaitTermination((long) seconds + 120, TimeUnit.SECONDS);
        String after = server.get("/metrics");
        Map<Integer, Long> errs = new TreeMap<>();
        errors.forEach((k, v) -> errs.put(k, v.get()));
        // (model calls include the warm-up's; the ratio items/call is what they are for)
        String fn = "function=\"" + kind.function + "\"";
        double calls = ServeProcess.sample(after, "autoglm_batch_size_count", fn) - ServeProcess.sample(before, "autoglm_batch_size_count", fn);
        double items = ServeProcess.sample(after, "autoglm_batch_size_sum", fn) - ServeProcess.sample(before, "autoglm_batch_size_sum", fn);
        return new Run(seconds, latencies.stream().mapToLong(Long::longValue).toArray(), errs, calls, items);
    }

    static double pct(long[] sorted, double q) {
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
