package io.openautoglm.bench;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.train.config.ModelPresets;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.data.Batch;
import io.openautoglm.train.loss.ContrastiveLoss;
import io.openautoglm.train.optim.AdamW;
import io.openautoglm.train.trainer.TrainStep;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Training throughput (samples/s) of the tiny preset: the Trainer's own optimizer step,
 * {@link TrainStep}, with the contrastive objective only and {@code grad_accum = 1} (host arrays
 * to tensors, forward of both towers on the used token columns, multi-positive InfoNCE, backward,
 * global gradient norm and clipping, AdamW with its decay rules, logit-scale clamp, step scope
 * closed). Data loading (decoding, augmentation, tokenizing) is excluded: the batches are random
 * and generated once. The peer is {@code bench/clip_torch_train_peer.py}; both follow the
 * protocol of {@link Repetitions}.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp 'autoglm-bench/target/autoglm-bench-0.1.0-SNAPSHOT.jar:autoglm-bench/target/lib/*' \
 *     io.openautoglm.bench.TrainingBenchmark --threads 2 --json out.json
 * </pre>
 */
public final class TrainingBenchmark {
    static final int VOCAB = 1000;
    static final int PAD = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    static final String[] PHASES = {"forward_loss", "backward", "grad_norm", "adamw_clamp"};
    /** The objective the peer trains too; the bundled recipe's image-tag head is left out. */
    static final TrainConfig.Loss CONTRASTIVE_ONLY = new TrainConfig.Loss(1, 0, 0, 0, 0);
    static final Repetitions DEFAULT_PROTOCOL = new Repetitions(3, 5, 2.0, 60);
    static final String USAGE = "options: --batches 64,128 --threads 2 --warmup 3 --reps 5 --min-rep-seconds 2"
            + " --max-point-seconds 60 --seed 0 --json FILE --profile PREFIX --tokenizer tokenizer.json"
            + " --patch-stem patch|conv (the picture tower's stem; the bundled recipe uses conv)";
    private static final Set<String> OPTIONS = BenchArgs.union(Repetitions.OPTIONS,
            Set.of("--batches", "--threads", "--seed", "--json", "--profile", "--patch-stem", "--tokenizer"));

    private final List<Integer> batches;
    private final int threads;
    private final Repetitions protocol;
    private final long seed;
    private final double lr = 5e-4;
    private final double weightDecay = 0.1;
    private final double gradClip = 1.0;
    private final Path json;
    private final Path profile;
    private final String patchStem;
    private final Path tokenizer;

    TrainingBenchmark(BenchArgs a) {
        batches = a.integers("--batches", List.of(64, 128));
        batches.forEach(b -> BenchArgs.atLeast("--batches", b, 1));
        threads = a.integer("--threads", 2);
        BenchArgs.atLeast("--threads", threads, 1);
        protocol = Repetitions.from(a, DEFAULT_PROTOCOL);
        seed = a.whole("--seed", 0);
        json = a.path("--json", null);
        profile = a.path("--profile", null);
        patchStem = a.text("--patch-stem", "patch");
        if (!patchStem.equals("patch") && !patchStem.equals("conv")) {
            throw new UserInputException("--patch-stem takes patch or conv, got '" + patchStem + "'");
        }
        tokenizer = a.path("--tokenizer", Path.of("autoglm-core/src/test/resources/clip-parity/tiny-clip/hf/tokenizer.json"));
    }

    public static void main(String[] args) throws Exception {
        BenchArgs.main("training benchmark", USAGE, args,
                a -> new TrainingBenchmark(BenchArgs.parse(a, OPTIONS, Set.of())).run());
    }

    /** A random batch of one size, made once: what a BatchLoader would hand the step, without hard negatives. */
    static Batch randomBatch(int b, int s, int t, Random rnd) {
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
        float[] positives = ContrastiveLoss.targets(keys); // (B, B): both directions, no hard negatives
        return new Batch(b, 0, s, t, pixels, ids, positives, positives, keys, new int[0], null, null);
    }

    private void run() throws Exception {
        Harness.startEngine(threads);
        ClipConfig config = ModelPresets.build("tiny", 64, 32, patchStem, VOCAB, PAD, BOS, EOS);
        int s = config.vision().imageSize();
        int t = config.text().contextLength();
        MultimodalModel model = MultimodalModel.randomlyInitialized(config, tokenizer, PreprocessorConfig.clipDefaults(s),
                seed, "tiny-random");
        model.setTrainable(name -> true);
        Map<String, Parameter> trainable = TrainStep.trainableParameters(model);
        long paramCount = trainable.values().stream().mapToLong(p -> p.getArray().size()).sum();
        long decayed = trainable.entrySet().stream().filter(e -> AdamW.decays(e.getKey(), e.getValue())).count();
        ObjectNode out = Harness.engineResult();
        System.out.printf("engine PyTorch %s, intra-op threads %d, inter-op threads %d%n", TorchRuntime.engine().getVersion(),
                out.path("intra_op_threads").asInt(), out.path("inter_op_threads").asInt());
        System.out.printf("tiny preset (%s stem): %d trainable tensors (%d with weight decay), %d parameters%n", patchStem, trainable.size(),
                decayed, paramCount);
        out.put("parameters", paramCount);
        out.put("trainable_tensors", trainable.size());
        out.put("decayed_tensors", decayed);
        out.put("patch_stem", patchStem);
        out.put("step", "io.openautoglm.train.trainer.TrainStep, contrastive objective only, grad_accum 1");
        ObjectNode described = out.putObject("protocol");
        protocol.describe(described, "warmup_steps");
        described.put("optimizer", String.format("AdamW lr %.1e betas (0.9, 0.98) eps 1e-6 weight decay %.2f, grad clip %.1f",
                lr, weightDecay, gradClip));
        ArrayNode points = out.putArray("points");

        Random rnd = new Random(seed);
        System.out.printf("%-6s %12s %12s %6s %8s  %-44s %8s %8s%n", "batch", "samples/s", "ms/step", "reps", "spread",
                "ms: forward+loss / backward / norm / adamw", "GC ms", "HWM MB");
        try (AdamW optimizer = new AdamW(model.manager(), trainable, 0.9, 0.98, 1e-6, weightDecay)) {
            TrainStep trainStep = new TrainStep(model, optimizer, CONTRASTIVE_ONLY, 1, gradClip, seed);
            long[] stepNumber = {0};
            for (int b : batches) {
                Batch batch = randomBatch(b, s, t, rnd);
                double[] phases = new double[PHASES.length];
                int[] timedSteps = {0};
                Repetitions.Call step = timed -> {
                    TrainStep.Result r = trainStep.run(stepNumber[0]++, lr, position -> batch);
                    if (timed) {
                        TrainStep.Phases p = r.phases();
                        phases[0] += p.forwardLoss();
                        phases[1] += p.backward();
                        phases[2] += p.gradNorm();
                        phases[3] += p.update();
                        timedSteps[0]++;
                    }
                };
                if (profile != null) { // one profiled step after warm-up: a Chrome trace per batch size
                    step.run(false);
                    step.run(false);
                    TorchRuntime.profile(() -> step.run(false), profile.resolveSibling(profile.getFileName() + "-train-b" + b + ".json"));
                }
                Harness.Gc gc0 = Harness.Gc.now();
                Repetitions.Rates rates = protocol.measure(b, step);
                Harness.Gc gc = Harness.Gc.since(gc0);
                double median = rates.median();
                ObjectNode p = points.addObject();
                p.put("batch", b);
                p.put("distinct_caption_keys", Arrays.stream(batch.captions()).distinct().count());
                p.put("samples_per_s", median);
                p.put("ms_per_step", 1000.0 * b / median);
                rates.addTo(p.putArray("rep_samples_per_s"));
                ObjectNode ph = p.putObject("phase_ms_per_step");
                StringBuilder phaseText = new StringBuilder();
                for (int i = 0; i < PHASES.length; i++) {
                    double ms = 1000 * phases[i] / Math.max(1, timedSteps[0]);
                    ph.put(PHASES[i], ms);
                    phaseText.append(i == 0 ? "" : " / ").append(String.format("%.1f", ms));
                }
                p.put("timed_steps", timedSteps[0]);
                p.put("gc_ms_during_timed", gc.millis());
                p.put("gc_count_during_timed", gc.count());
                p.put("peak_rss_mb_after", Harness.peakRssMb());
                System.out.printf("%-6d %12.2f %12.1f %6d %7.1f%%  %-44s %8d %8.0f%n", b, median, 1000.0 * b / median,
                        rates.count(), 100 * rates.spread(), phaseText, gc.millis(), Harness.peakRssMb());
            }
        }
        model.close();
        Harness.putProcess(out);
        System.out.printf("peak RSS (VmHWM) %.1f MB%n", Harness.peakRssMb());
        if (json != null) {
            Harness.writeJson(json, out);
        }
    }
}
