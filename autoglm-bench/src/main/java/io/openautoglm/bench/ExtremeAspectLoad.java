package io.openautoglm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code bench/load-test.sh --extreme-aspect}: normal traffic (texts and pictures on
 * {@code /v1/embeddings}, closed loop) against one default {@code autoglm serve}, first alone, then
 * beside clients that loop pictures of 1 x 16,777,216 and 16 x 1,048,576 pixels (at the default
 * pixel limit; ~50-70 KB as PNG) on the same route. The normal requests' rate, p50/p99 and errors
 * are printed for both phases; the extreme clients' answers by status.
 *
 * <pre>--seconds 30 (per phase) --normal-clients 4 --extreme-clients 2 --model DIR --json FILE</pre>
 */
public final class ExtremeAspectLoad {
    private static final ObjectMapper JSON = Harness.JSON;

    record Phase(String name, double seconds, long ok, double perSecond, double p50Ms, double p99Ms, Map<Integer, Long> errors,
            Map<Integer, Long> extremeAnswers) {}

    static final String USAGE = "options: --seconds 30 (per phase) --normal-clients 4 --extreme-clients 2 --model DIR --json FILE";
    private static final Set<String> OPTIONS = Set.of("--model", "--seconds", "--normal-clients", "--extreme-clients", "--json");

    public static void main(String[] args) throws Exception {
        BenchArgs.main("extreme-aspect load test", USAGE, args, ExtremeAspectLoad::run);
    }

    private static void run(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, OPTIONS, Set.of());
        Path modelDir = a.path("--model", Path.of("models/autoglm-shapes-tiny"));
        double seconds = a.decimal("--seconds", 30);
        int normalClients = a.integer("--normal-clients", 4);
        int extremeClients = a.integer("--extreme-clients", 2);
        Path jsonOut = a.path("--json", null);
        if (seconds <= 0 || normalClients < 1 || extremeClients < 1) {
            throw new UserInputException("--seconds must be positive, --normal-clients and --extreme-clients at least 1");
        }
        List<String> extreme = List.of(dataUrl(png(1, 16_777_216)), dataUrl(png(16, 1_048_576)));
        System.out.printf(Locale.ROOT, "extreme pictures: 1x16777216 (%d B as data URL), 16x1048576 (%d B)%n",
                extreme.get(0).length(), extreme.get(1).length());
        List<String> extremeUsers = new ArrayList<>(); // each extreme client loops one picture, the two shapes in turn
        for (int c = 0; c < extremeClients; c++) {
            extremeUsers.add(extreme.get(c % extreme.size()));
        }
        List<String> args2 = List.of("--model", modelDir.toString(), "--cache-entries", "0", "--no-fusion", "--no-gallery");
        ObjectNode report = JSON.createObjectNode();
        try (ServeProcess server = ServeProcess.start("extreme-aspect", LoadTest.SERVER_JVM, args2, 600, System.out)) {
            String model = JSON.readTree(server.get("/api/info")).path("model").asText();
            List<String> images = LoadTest.pictures(64, 64);
            run(server, model, images, List.of(), normalClients, 3); // warm-up, not reported
            List<Phase> phases = new ArrayList<>();
            phases.add(run(server, model, images, List.of(), normalClients, seconds));
            phases.add(run(server, model, images, extremeUsers, normalClients, seconds));
            System.out.printf(Locale.ROOT, "%-22s %8s %8s %8s %8s | %-18s | %s%n", "normal traffic (c=" + normalClients + ")", "ok",
                    "req/s", "p50 ms", "p99 ms", "normal errors", "extreme clients' answers");
            for (Phase p : phases) {
                System.out.printf(Locale.ROOT, "%-22s %8d %8.1f %8.1f %8.1f | %-18s | %s%n", p.name(), p.ok(), p.perSecond(), p.p50Ms(),
                        p.p99Ms(), p.errors().isEmpty() ? "none" : p.errors(), p.extremeAnswers().isEmpty() ? "-" : p.extremeAnswers());
            }
            Phase alone = phases.get(0);
            Phase beside = phases.get(1);
            System.out.printf(Locale.ROOT, "normal traffic beside %d extreme clients / alone: req/s %.2fx, p50 %.2fx, p99 %.2fx%n",
                    extremeClients, beside.perSecond() / alone.perSecond(), beside.p50Ms() / alone.p50Ms(), beside.p99Ms() / alone.p99Ms());
            System.out.printf(Locale.ROOT, "server resident memory after: %.0f MiB%n", server.residentMiB());
            report.set("phases", JSON.valueToTree(phases));
            report.put("extreme_clients", extremeClients);
            report.put("normal_clients", normalClients);
            report.put("server_rss_mib", server.residentMiB());
        }
        if (jsonOut != null) {
            Harness.writeJson(jsonOut, report);
        }
        System.exit(0);
    }

    /** Normal users alternate texts and pictures; each extreme user (if any) loops one extreme picture. */
    private static Phase run(ServeProcess server, String model, List<String> images, List<String> extreme, int normal,
            double seconds) throws Exception {
        URI uri = URI.create(server.url());
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong counter = new AtomicLong();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicLong> errors = new ConcurrentHashMap<>();
        Map<Integer, AtomicLong> extremeAnswers = new ConcurrentHashMap<>();
        ExecutorService users = Executors.newFixedThreadPool(normal + extreme.size());
        for (int u = 0; u < normal; u++) {
            users.submit(() -> {
                try (KeepAliveClient client = new KeepAliveClient(uri, 60_000)) {
                    while (System.nanoTime() < end) {
                        long n = counter.incrementAndGet();
                        LoadTest.Kind kind = n % 2 == 0 ? LoadTest.Kind.TEXT : LoadTest.Kind.IMAGE;
                        long t0 = System.nanoTime();
                        int status = post(client, kind.path, LoadTest.body(model, kind, images, n));
                        if (status == 200) {
                            latencies.add(System.nanoTime() - t0);
                        } else {
                            errors.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        for (String picture : extreme) {
            users.submit(() -> {
                String body = "{\"model\": \"" + model + "\", \"input\": \"" + picture + "\"}";
                try (KeepAliveClient client = new KeepAliveClient(uri, 60_000)) {
                    while (System.nanoTime() < end) {
                        extremeAnswers.computeIfAbsent(post(client, "/v1/embeddings", body), k -> new AtomicLong()).incrementAndGet();
                    }
                }
                return null;
            });
        }
        users.shutdown();
        users.awaitTermination((long) seconds + 120, TimeUnit.SECONDS);
        long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Phase(extreme.isEmpty() ? "alone" : "beside extreme clients", seconds, l.length, l.length / seconds,
                LoadTest.pct(l, 0.50), LoadTest.pct(l, 0.99), counts(errors), counts(extremeAnswers));
    }

    private static int post(KeepAliveClient client, String path, String body) {
        try {
            return client.post(path, body);
        } catch (IOException e) {
            return -1;
        }
    }

    private static Map<Integer, Long> counts(Map<Integer, AtomicLong> m) {
        Map<Integer, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Dark, one bright pixel every 4,096: tens of KB as PNG. */
    static byte[] png(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y += 4096) {
            img.setRGB(0, y, 0xE62323);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static String dataUrl(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    private ExtremeAspectLoad() {}
}
