package io.openautoglm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.train.config.ModelPresets;
import io.openautoglm.train.loss.ContrastiveLoss;
import io.openautoglm.train.optim.AdamW;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Training throughput (samples/s) of the tiny preset: the full optimizer step exactly as
 * {@code Trainer.trainStep} does it with {@code grad_accum = 1} (host arrays to tensors, forward of
 * both towers, multi-positive InfoNCE, backward, global gradient norm, AdamW with its decay rules,
 * logit-scale clamp, step scope closed). Data loading (decoding, augmentation, tokenizing) is
 * excluded: the inputs are random and generated once. The peer is
 * {@code bench/clip_torch_train_peer.py}; both follow the same protocol as the embedding benchmark:
 * warm-up steps, then the median of several timed repetitions per batch size, each running whole
 * steps for at least {@code --min-rep-seconds}.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp 'autoglm-cli/target/classes:autoglm-cli/target/lib/*' \
 *     io.openautoglm.bench.TrainingBenchmark --threads 2 --json out.json
 * </pre>
 */
public final class TrainingBenchmark {
    static final int VOCAB = 1000;
    static final int PAD = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    static final float MAX_LOGIT_SCALE = (float) Math.log(100); // as Trainer
    static final String[] PHASES = {"forward_loss", "backward", "grad_norm", "adamw_clamp"};

    private List<Integer> batches = List.of(64, 128);
    private int threads = 2;
    private int warmup = 3;
    private int reps = 5;
    private double minRepSeconds = 2.0;
    private double maxPointSeconds = 60;
    private long seed = 0;
    private double lr = 5e-4;
    private double weightDecay = 0.1;
    private double gradClip = 1.0;
    private Path json;
    private Path profile;
    private String patchStem = "patch";
    private Path tokenizer = Path.of("autoglm-core/src/test/resources/clip-parity/tiny-clip/hf/tokenizer.json");

    public static void main(String[] args) throws IOException {
        new TrainingBenchmark().parse(args).run();
    }

    private TrainingBenchmark parse(String[] args) {
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
                case "--seed" -> seed = Long.parseLong(v);
                case "--json" -> json = Path.of(v);
                case "--profile" -> profile = Path.of(v);
                case "--patch-stem" -> patchStem = v;
                case "--tokenizer" -> tokenizer = Path.of(v);
                case "-h", "--help" -> {
                    System.out.println("options: --batches 64,128 --threads 2 --warmup 3 --reps 5 --min-rep-seconds 2"
                            + " --max-point-seconds 60 --seed 0 --json FILE --profile PREFIX --tokenizer tokenizer.json"
                            + " --patch-stem patch|conv (the picture tower's stem; the bundled recipe uses conv)");
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

    /** Random inputs for one batch size, generated once: what a BatchLoader would hand the step. */
    record Inputs(int b, int s, int t, float[] pixels, long[] ids, float[] targets, int distinctKeys) {
        static Inputs random(int b, int s, int t, Random rnd) {
            float[] pixels = new float[b * 3 * s * s]; // (B, 3, S, S), already normalized
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) rnd.nextGaussian();
            }
            long[] ids = new long[b * t]; // (B, T): BOS, 3..20 words, EOS, padding
            String[] keys = new String[b];
            for (int r = 0; r < b; r++) {
                int words = 3 + rnd.nextInt(18);
                ids[r * t] = BOS;
                for (int j = 1; j <= words; j++) {
                    ids[r * t + j] = 3 + rnd.nextInt(VOCAB - 3);
                }
                ids[r * t + words + 1] = EOS;
                keys[r] = "caption-" + rnd.nextInt(2 * b); // about a fifth of the rows share a caption key
            }
            float[] targets = ContrastiveLoss.targets(keys); // (B * B)
            return new Inputs(b, s, t, pixels, ids, targets, (int) Arrays.stream(keys).distinct().count());
        }
    }

    private void run() throws IOException {
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "" + threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads",
                System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        ClipConfig config = ModelPresets.build("tiny", 64, 32, patchStem, VOCAB, PAD, BOS, EOS);
        int s = config.vision().imageSize();
        int t = config.text().contextLength();
        TorchRuntime.engine();
        MultimodalModel model = MultimodalModel.randomlyInitialized(config, tokenizer, PreprocessorConfig.clipDefaults(s),
                seed, "tiny-random");
        model.setTrainable(name -> true);
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        model.network().namedParameters().forEach((k, p) -> {
            if (p.requiresGradient()) {
                trainable.put(k, p);
            }
        });
        long paramCount = trainable.values().stream().mapToLong(p -> p.getArray().size()).sum();
        long decayed = trainable.entrySet().stream().filter(e -> AdamW.decays(e.getKey(), e.getValue())).count();
        int intraThreads = TorchRuntime.intraOpThreads();
        int interThreads = TorchRuntime.interOpThreads();
        System.out.printf("engine PyTorch %s, intra-op threads %d, inter-op threads %d%n", TorchRuntime.engine().getVersion(),
                intraThreads, interThreads);
        System.out.printf("tiny preset (%s stem): %d trainable tensors (%d with weight decay), %d parameters%n", patchStem, trainable.size(),
                decayed, paramCount);

        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode out = mapper.createObjectNode();
        out.put("implementation", "open-autoglm (DJL " + ai.djl.engine.Engine.getDjlVersion() + " + libtorch "
                + TorchRuntime.engine().getVersion() + ")");
        out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        out.put("torch_version", TorchRuntime.engine().getVersion());
        out.put("intra_op_threads", intraThreads);
        out.put("inter_op_threads", interThreads);
        out.put("parameters", paramCount);
        out.put("trainable_tensors", trainable.size());
        out.put("decayed_tensors", decayed);
        out.put("patch_stem", patchStem);
        ObjectNode protocol = out.putObject("protocol");
        protocol.put("warmup_steps", warmup);
        protocol.put("repetitions", reps);
        protocol.put("min_rep_seconds", minRepSeconds);
        protocol.put("max_point_seconds", maxPointSeconds);
        protocol.put("statistic", "median of repetitions");
        protocol.put("optimizer", String.format("AdamW lr %.1e betas (0.9, 0.98) eps 1e-6 weight decay %.2f, grad clip %.1f",
                lr, weightDecay, gradClip));
        ArrayNode points = out.putArray("points");

        Random rnd = new Random(seed);
        System.out.printf("%-6s %12s %12s %6s %8s  %-44s %8s %8s%n", "batch", "samples/s", "ms/step", "reps", "spread",
                "ms: forward+loss / backward / norm / adamw", "GC ms", "HWM MB");
        try (AdamW optimizer = new AdamW(model.manager(), trainable, 0.9, 0.98, 1e-6, weightDecay)) {
            for (int b : batches) {
                Inputs in = Inputs.random(b, s, t, rnd);
                double[] phases = new double[PHASES.length];
                int[] timedSteps = {0};
                boolean[] timing = {false};
                Runnable step = () -> {
                    double[] p = trainStep(model, optimizer, in);
                    if (timing[0]) {
                        for (int i = 0; i < phases.length; i++) {
                            phases[i] += p[i];
                        }
                        timedSteps[0]++;
                    }
                };
                if (profile != null) { // one profiled step after warm-up: a Chrome trace per batch size
                    step.run();
                    step.run();
                    TorchRuntime.profile(step, profile.resolveSibling(profile.getFileName() + "-train-b" + b + ".json"));
                }
                long gc0 = gcMillis();
                double[] rates = measure(step, b, timing);
                long gcMs = gcMillis() - gc0;
                double median = median(rates);
                double spread = (rates[rates.length - 1] - rates[0]) / median;
                ObjectNode p = points.addObject();
                p.put("batch", b);
                p.put("distinct_caption_keys", in.distinctKeys());
                p.put("samples_per_s", median);
                p.put("ms_per_step", 1000.0 * b / median);
                ArrayNode all = p.putArray("rep_samples_per_s");
                Arrays.stream(rates).forEach(all::add);
                ObjectNode ph = p.putObject("phase_ms_per_step");
                StringBuilder phaseText = new StringBuilder();
                for (int i = 0; i < PHASES.length; i++) {
                    double ms = 1000 * phases[i] / Math.max(1, timedSteps[0]);
                    ph.put(PHASES[i], ms);
                    phaseText.append(i == 0 ? "" : " / ").append(String.format("%.1f", ms));
                }
                p.put("timed_steps", timedSteps[0]);
                p.put("gc_ms_during_timed", gcMs);
                p.put("peak_rss_mb_after", vmHwmKb() / 1024.0);
                System.out.printf("%-6d %12.2f %12.1f %6d %7.1f%%  %-44s %8d %8.0f%n", b, median, 1000.0 * b / median,
                        rates.length, 100 * spread, phaseText, gcMs, vmHwmKb() / 1024.0);
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

    /**
     * One optimizer step as {@code Trainer.trainStep} takes it (grad_accum 1, constant learning
     * rate); returns the seconds spent in each of {@link #PHASES}. CPU ops are synchronous, so wall
     * clock between phases is the phase's time.
     */
    private double[] trainStep(MultimodalModel model, AdamW optimizer, Inputs in) {
        ClipModel net = model.network();
        double[] phase = new double[PHASES.length];
        try (NDManager scope = model.manager().newSubManager()) {
            long t0 = System.nanoTime();
            long t1;
            long t2;
            try (NDManager micros = scope.newSubManager(); GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                int b = in.b();
                NDArray pixels = micros.create(in.pixels(), new Shape(b, 3, in.s(), in.s())); // (B, 3, S, S)
                NDArray ids = micros.create(in.ids(), new Shape(b, in.t())); // (B, T)
                NDArray targets = micros.create(in.targets(), new Shape(b, b)); // (B, B)
                ParameterStore store = new ParameterStore(micros, false);
                NDArray images = net.encodeImage(store, pixels, true); // (B, P)
                NDArray texts = net.encodeText(store, ids, true); // (B, P)
                NDArray value = ContrastiveLoss.multiPositive(images, texts, net.logitFactor(store, images, true), targets); // ()
                value.getFloat();
                t1 = System.nanoTime();
                gc.backward(value);
                t2 = System.nanoTime();
            }
            TorchRuntime.stopRecordingGradients();
            long t3 = System.nanoTime();
            double norm = optimizer.gradientNorm(scope);
            double scale = gradClip > 0 && norm > gradClip ? gradClip / norm : 1.0;
            long t4 = System.nanoTime();
            optimizer.step(lr, scale, scope);
            NDArray logitScale = net.namedParameters().get("logit_scale").getArray();
            if (logitScale.getFloat() > MAX_LOGIT_SCALE) {
                logitScale.set(new float[] {MAX_LOGIT_SCALE});
            }
            long t5 = System.nanoTime();
            phase[0] = sec(t1 - t0);
            phase[1] = sec(t3 - t1); // backward and freeing the graph's intermediates
            phase[2] = sec(t4 - t3);
            phase[3] = sec(t5 - t4);
        }
        return phase;
    }

    /** Warm-up, then up to {@code reps} repetitions of at least minRepSeconds each; samples/s per repetition, sorted. */
    private double[] measure(Runnable step, int batch, boolean[] timing) {
        long start = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        timing[0] = true;
        List<Double> rates = new ArrayList<>();
        while (rates.size() < reps) {
            long r0 = System.nanoTime();
            int n = 0;
            long now;
            do {
                step.run();
                n++;
                now = System.nanoTime();
            } while (sec(now - r0) < minRepSeconds);
            rates.add(n * batch / sec(now - r0));
            if (rates.size() >= 3 && sec(now - start) > maxPointSeconds) {
                break;
            }
        }
        timing[0] = false;
        return rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
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
