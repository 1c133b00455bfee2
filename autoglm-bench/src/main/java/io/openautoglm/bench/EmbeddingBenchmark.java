package io.openautoglm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.core.nn.Activation;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Image and text embedding throughput of a ViT-B/32-shaped CLIP with random weights, through the
 * public {@link MultimodalModel} API. The peer is {@code bench/clip_torch_peer.py}; both follow
 * the protocol of {@link Repetitions} (warm-up, then the median of timed repetitions per point).
 *
 * <pre>
 * java -Dai.djl.offline=true -cp 'autoglm-bench/target/autoglm-bench-0.1.0-SNAPSHOT.jar:autoglm-bench/target/lib/*' \
 *     io.openautoglm.bench.EmbeddingBenchmark --threads 2 --json out.json
 * </pre>
 */
public final class EmbeddingBenchmark {
    private static final int BOS = 49406;
    private static final int EOS = 49407;

    static final Repetitions DEFAULT_PROTOCOL = new Repetitions(2, 5, 0.5, 30);
    static final String USAGE = "options: --batches 1,8,32 --kinds image,text --threads 2 --warmup 2 --reps 5 --min-rep-seconds 0.5"
            + " --max-point-seconds 30 --seed 0 --json FILE --profile PREFIX --tokenizer tokenizer.json";
    private static final Set<String> OPTIONS = BenchArgs.union(Repetitions.OPTIONS,
            Set.of("--batches", "--kinds", "--threads", "--seed", "--json", "--profile", "--tokenizer"));

    private final List<Integer> batches;
    private final int threads;
    private final Repetitions protocol;
    private final long seed;
    private final List<String> kinds;
    private final Path json;
    private final Path profile;
    private final Path tokenizer;

    EmbeddingBenchmark(BenchArgs a) {
        batches = a.integers("--batches", List.of(1, 8, 32));
        batches.forEach(b -> BenchArgs.atLeast("--batches", b, 1));
        threads = a.integer("--threads", 2);
        BenchArgs.atLeast("--threads", threads, 1);
        protocol = Repetitions.from(a, DEFAULT_PROTOCOL);
        kinds = a.words("--kinds", List.of("image", "text"));
        for (String kind : kinds) {
            if (!kind.equals("image") && !kind.equals("text")) {
                throw new UserInputException("--kinds takes image and/or text, got '" + kind + "'");
            }
        }
        seed = a.whole("--seed", 0);
        json = a.path("--json", null);
        profile = a.path("--profile", null);
        tokenizer = a.path("--tokenizer", Path.of("autoglm-core/src/test/resources/clip-parity/tiny-clip/hf/tokenizer.json"));
    }

    public static void main(String[] args) throws Exception {
        BenchArgs.main("embedding benchmark", USAGE, args,
                a -> new EmbeddingBenchmark(BenchArgs.parse(a, OPTIONS, Set.of())).run());
    }

    /** ViT-B/32 as in openai/CLIP: 224 px, patch 32, width 768 x 12; text 77 tokens, width 512 x 12. */
    static ClipConfig vitB32() {
        return new ClipConfig(
                new ClipConfig.VisionConfig(224, 32, 3, 768, 12, 12, 3072, Activation.QUICK_GELU, 1e-5f),
                new ClipConfig.TextConfig(49408, 77, 512, 12, 8, 2048, Activation.QUICK_GELU, 1e-5f, 0, BOS, EOS),
                512, ClipConfig.DEFAULT_LOGIT_SCALE_INIT);
    }

    private void run() {
        ClipConfig config = vitB32();
        int s = config.vision().imageSize();
        int t = config.text().contextLength();

        long t0 = System.nanoTime();
        Harness.startEngine(threads); // native library load, the peer's "import torch"
        long t1 = System.nanoTime();
        MultimodalModel model = MultimodalModel.randomlyInitialized(config, tokenizer, PreprocessorConfig.clipDefaults(s),
                seed, "vit-b-32-random");
        long t2 = System.nanoTime();
        Random rnd = new Random(seed);
        int maxB = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
        float[] pixels = new float[maxB * 3 * s * s];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rnd.nextGaussian();
        }
        long[] ids = new long[maxB * t];
        for (int r = 0; r < maxB; r++) {
            ids[r * t] = BOS;
            for (int j = 1; j < t - 1; j++) {
                ids[r * t + j] = 1 + rnd.nextInt(49405);
            }
            ids[r * t + t - 1] = EOS;
        }
        long t3 = System.nanoTime();
        model.embedPixels(Arrays.copyOf(pixels, 3 * s * s), 1, true);
        long t4 = System.nanoTime();
        model.embedTokenIds(Arrays.copyOf(ids, t), 1, t, true);
        long t5 = System.nanoTime();

        ObjectNode out = Harness.engineResult();
        int intraThreads = out.path("intra_op_threads").asInt();
        int interThreads = out.path("inter_op_threads").asInt();
        boolean recordsAutograd = recordsAutograd(model);
        System.out.printf("engine PyTorch %s, intra-op threads %d, inter-op threads %d, autograd recorded: %s%n",
                TorchRuntime.engine().getVersion(), intraThreads, interThreads, recordsAutograd);
        System.out.printf("engine init %.3f s, construction %.3f s, first image embedding %.3f s, first text embedding %.3f s%n",
                sec(t1 - t0), sec(t2 - t1), sec(t4 - t3), sec(t5 - t4));

        out.put("autograd_recorded", recordsAutograd);
        out.put("engine_init_s", sec(t1 - t0));
        out.put("construction_s", sec(t2 - t1));
        out.put("first_image_forward_s", sec(t4 - t3));
        out.put("first_text_forward_s", sec(t5 - t4));
        out.put("load_to_first_embedding_s", sec(t2 - t1) + sec(t4 - t3));
        protocol.describe(out.putObject("protocol"), "warmup_batches");
        ArrayNode points = out.putArray("points");

        System.out.printf("%-6s %-6s %12s %12s %6s %10s %10s%n", "batch", "kind", "items/s", "ms/batch", "reps", "spread",
                "HWM MB");
        for (int b : batches) {
            float[] px = Arrays.copyOf(pixels, b * 3 * s * s);
            long[] tk = Arrays.copyOf(ids, b * t);
            for (String kind : kinds) {
                Repetitions.Call step = kind.equals("image")
                        ? timed -> model.embedPixels(px, b, true)
                        : timed -> model.embedTokenIds(tk, b, t, true);
                if (profile != null) { // one profiled batch after warm-up: a Chrome trace per point
                    step.run(false);
                    TorchRuntime.profile(() -> step.run(false),
                            profile.resolveSibling(profile.getFileName() + "-" + kind + "-b" + b + ".json"));
                }
                Harness.Gc gc0 = Harness.Gc.now();
                Repetitions.Rates rates = protocol.measure(b, step);
                Harness.Gc gc = Harness.Gc.since(gc0);
                double median = rates.median();
                ObjectNode p = points.addObject();
                p.put("batch", b);
                p.put("kind", kind);
                p.put("items_per_s", median);
                p.put("ms_per_batch", 1000.0 * b / median);
                rates.addTo(p.putArray("rep_items_per_s"));
                p.put("gc_ms_during_timed", gc.millis());
                p.put("gc_count_during_timed", gc.count());
                p.put("peak_rss_mb_after", Harness.peakRssMb());
                System.out.printf("%-6d %-6s %12.2f %12.1f %6d %9.1f%% %10.0f%n", b, kind, median, 1000.0 * b / median,
                        rates.count(), 100 * rates.spread(), Harness.peakRssMb());
            }
        }
        model.close();
        Harness.putProcess(out);
        System.out.printf("peak RSS (VmHWM) %.1f MB%n", Harness.peakRssMb());
        if (json != null) {
            Harness.writeJson(json, out);
        }
    }

    /** True if a forward pass on this thread builds an autograd graph (it should not). */
    private static boolean recordsAutograd(MultimodalModel model) {
        int s = model.config().vision().imageSize();
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = scope.zeros(new Shape(1, 3, s, s));
            return model.network().encodeImage(new ParameterStore(scope, false), x, false).hasGradient();
        }
    }

    private static double sec(long nanos) {
        return nanos / 1e9;
    }
}
