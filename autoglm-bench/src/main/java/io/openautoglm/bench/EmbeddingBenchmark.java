package io.openautoglm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.core.nn.Activation;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Image and text embedding throughput of a ViT-B/32-shaped CLIP with random weights, through the
 * public {@link MultimodalModel} API. The peer is {@code bench/clip_torch_peer.py}; both follow
 * the same protocol: warm-up, then the median of several timed repetitions per batch size, each
 * repetition running whole batches for at least {@code --min-rep-seconds}.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp 'autoglm-cli/target/classes:autoglm-cli/target/lib/*' \
 *     io.openautoglm.bench.EmbeddingBenchmark --threads 2 --json out.json
 * </pre>
 */
public final class EmbeddingBenchmark {
    private static final int BOS = 49406;
    private static final int EOS = 49407;

    private List<Integer> batches = List.of(1, 8, 32);
    private int threads = 2;
    private int warmup = 2;
    private int reps = 5;
    private double minRepSeconds = 0.5;
    private double maxPointSeconds = 30;
    private long seed = 0;
    private List<String> kinds = List.of("image", "text");
    private Path json;
    private Path profile;
    private Path tokenizer = Path.of("autoglm-core/src/test/resources/clip-parity/tiny-clip/hf/tokenizer.json");

    public static void main(String[] args) throws IOException {
        new EmbeddingBenchmark().parse(args).run();
    }

    private EmbeddingBenchmark parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--batches" -> batches = Arrays.stream(v.split(",")).map(String::trim).map(Integer::valueOf).toList();
                case "--threads" -> threads = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--reps" -> reps = Integer.parseInt(v);
                case "--min-rep-seconds" -> minRepSeconds = Double.parseDouble(v);
                case "--max-point-seconds" -> maxPointSeconds = Double.parseDouble(v);
                case "--kinds" -> kinds = Arrays.stream(v.split(",")).map(String::trim).toList();
                case "--seed" -> seed = Long.parseLong(v);
                case "--json" -> json = Path.of(v);
                case "--profile" -> profile = Path.of(v);
                case "--tokenizer" -> tokenizer = Path.of(v);
                case "-h", "--help" -> {
                    System.out.println("options: --batches 1,8,32 --kinds image,text --threads 2 --warmup 2 --reps 5 --min-rep-seconds 0.5"
                            + " --max-point-seconds 30 --seed 0 --json FILE --profile PREFIX --tokenizer tokenizer.json");
                    System.exit(0);
                }
                default -> {
                    System.err.println("unknown option " + a + " (try --help)");
                    System.exit(2);
                }
            }
            i++;
        }
        return this;
    }

    /** ViT-B/32 as in openai/CLIP: 224 px, patch 32, width 768 x 12; text 77 tokens, width 512 x 12. */
    static ClipConfig vitB32() {
        return new ClipConfig(
                new ClipConfig.VisionConfig(224, 32, 3, 768, 12, 12, 3072, Activation.QUICK_GELU, 1e-5f),
                new ClipConfig.TextConfig(49408, 77, 512, 12, 8, 2048, Activation.QUICK_GELU, 1e-5f, 0, BOS, EOS),
                512, ClipConfig.DEFAULT_LOGIT_SCALE_INIT);
    }

    private void run() throws IOException {
        // PtEngine reads these once, when the engine loads: set them before anything touches it.
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "" + threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads",
                System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        ClipConfig config = vitB32();
        int s = config.vision().imageSize();
        int t = config.text().contextLength();

        long t0 = System.nanoTime();
        TorchRuntime.engine(); // native library load, the peer's "import torch"
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

        int intraThreads = TorchRuntime.intraOpThreads();
        int interThreads = TorchRuntime.interOpThreads();
        boolean recordsAutograd = recordsAutograd(model);
        System.out.printf("engine PyTorch %s, intra-op threads %d, inter-op threads %d, autograd recorded: %s%n",
                TorchRuntime.engine().getVersion(), intraThreads, interThreads, recordsAutograd);
        System.out.printf("engine init %.3f s, construction %.3f s, first image embedding %.3f s, first text embedding %.3f s%n",
                sec(t1 - t0), sec(t2 - t1), sec(t4 - t3), sec(t5 - t4));

        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode out = mapper.createObjectNode();
        out.put("implementation", "open-autoglm (DJL " + ai.djl.engine.Engine.getDjlVersion() + " + libtorch "
                + TorchRuntime.engine().getVersion() + ")");
        out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        out.put("torch_version", TorchRuntime.engine().getVersion());
        out.put("intra_op_threads", intraThreads);
        out.put("inter_op_threads", interThreads);
        out.put("autograd_recorded", recordsAutograd);
        out.put("engine_init_s", sec(t1 - t0));
        out.put("construction_s", sec(t2 - t1));
        out.put("first_image_forward_s", sec(t4 - t3));
        out.put("first_text_forward_s", sec(t5 - t4));
        out.put("load_to_first_embedding_s", sec(t2 - t1) + sec(t4 - t3));
        ObjectNode protocol = out.putObject("protocol");
        protocol.put("warmup_batches", warmup);
        protocol.put("repetitions", reps);
        protocol.put("min_rep_seconds", minRepSeconds);
        protocol.put("max_point_seconds", maxPointSeconds);
        protocol.put("statistic", "median of repetitions");
        ArrayNode points = out.putArray("points");

        System.out.printf("%-6s %-6s %12s %12s %6s %10s %10s%n", "batch", "kind", "items/s", "ms/batch", "reps", "spread",
                "HWM MB");
        for (int b : batches) {
            float[] px = Arrays.copyOf(pixels, b * 3 * s * s);
            long[] tk = Arrays.copyOf(ids, b * t);
            for (String kind : kinds) {
                IntConsumer step = kind.equals("image")
                        ? n -> model.embedPixels(px, b, true)
                        : n -> model.embedTokenIds(tk, b, t, true);
                if (profile != null) { // one profiled batch after warm-up: a Chrome trace per point
                    step.accept(0);
                    TorchRuntime.profile(() -> step.accept(0),
                            profile.resolveSibling(profile.getFileName() + "-" + kind + "-b" + b + ".json"));
                }
                double[] rates = measure(step, b);
                double median = median(rates);
                ObjectNode p = points.addObject();
                p.put("batch", b);
                p.put("kind", kind);
                p.put("items_per_s", median);
                p.put("ms_per_batch", 1000.0 * b / median);
                ArrayNode all = p.putArray("rep_items_per_s");
                Arrays.stream(rates).forEach(all::add);
                double spread = (rates[rates.length - 1] - rates[0]) / median;
                p.put("peak_rss_mb_after", vmHwmKb() / 1024.0);
                System.out.printf("%-6d %-6s %12.2f %12.1f %6d %9.1f%% %10.0f%n", b, kind, median, 1000.0 * b / median,
                        rates.length, 100 * spread, vmHwmKb() / 1024.0);
            }
        }
        model.close();
        long hwmKb = vmHwmKb();
        out.put("peak_rss_mb", hwmKb / 1024.0);
        out.put("jvm_max_heap_mb", Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));
        out.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.printf("peak RSS (VmHWM) %.1f MB%n", hwmKb / 1024.0);
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".bench", ".json");
            Files.writeString(tmp, mapper.writeValueAsString(out));
            Files.move(tmp, json, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Warm-up, then up to {@code reps} repetitions of at least minRepSeconds each; items/s per repetition, sorted. */
    private double[] measure(IntConsumer step, int batch) {
        long start = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            step.accept(i);
        }
        List<Double> rates = new ArrayList<>();
        while (rates.size() < reps) {
            long r0 = System.nanoTime();
            int n = 0;
            long now;
            do {
                step.accept(n++);
                now = System.nanoTime();
            } while (sec(now - r0) < minRepSeconds);
            rates.add(n * batch / sec(now - r0));
            if (rates.size() >= 3 && sec(now - start) > maxPointSeconds) {
                break; // time-bounded: at least three repetitions, fewer than asked when slow
            }
        }
        return rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** True if a forward pass on this thread builds an autograd graph (it should not). */
    private static boolean recordsAutograd(MultimodalModel model) {
        int s = model.config().vision().imageSize();
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = scope.zeros(new Shape(1, 3, s, s));
            return model.network().encodeImage(new ParameterStore(scope, false), x, false).hasGradient();
        }
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double sec(long nanos) {
        return nanos / 1e9;
    }

    private static long vmHwmKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
