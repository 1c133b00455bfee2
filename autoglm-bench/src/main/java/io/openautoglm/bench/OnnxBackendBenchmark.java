package io.openautoglm.bench;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.io.FileTrees;
import io.openautoglm.onnx.OnnxExporter;
import io.openautoglm.onnx.runtime.OnnxSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Our two fp32 backends on the same model, in process: DJL/libtorch on the model folder against ONNX
 * Runtime on its export ({@link OnnxExporter}, made here into a temporary folder), images/s and
 * texts/s at each batch, the backends taking turns per point. Pictures are preprocessed once up
 * front (preprocessing is the same code for both); texts go through {@code embedTexts} (tokenizer and
 * the trimmed columns included, also the same for both).
 *
 * <pre>java ... OnnxBackendBenchmark --model DIR [--threads 2] [--reps 3] [--min-rep-seconds 2]</pre>
 */
public final class OnnxBackendBenchmark {
    private static final int[] BATCHES = {1, 8, 32};
    static final String USAGE = "options: --model DIR --threads 2 --warmup 5 --reps 3 --min-rep-seconds 2 --max-point-seconds 30";

    public static void main(String[] args) throws Exception {
        BenchArgs.main("ONNX Runtime vs DJL", USAGE, args, OnnxBackendBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, BenchArgs.union(Set.of("--model", "--threads"), Repetitions.OPTIONS), Set.of());
        Path modelDir = Path.of(a.required("--model"));
        int threads = a.integer("--threads", 2);
        Repetitions protocol = Repetitions.from(a, new Repetitions(5, 3, 2, 30));
        Harness.startEngine(threads);
        System.setProperty("autoglm.onnx.threads", Integer.toString(threads));
        Path tmp = Files.createTempDirectory("onnx-bench-");
        try (MultimodalModel djl = MultimodalModel.load(modelDir)) {
            OnnxExporter.Result export = OnnxExporter.export(djl, tmp.resolve("onnx"), OnnxExporter.Options.defaults().withSource(modelDir));
            try (MultimodalModel onnx = MultimodalModel.load(export.dir())) {
                System.out.printf(Locale.ROOT, "model %s: DJL %s, %d intra-op threads; %s, %d intra-op threads; export check worst cosine "
                        + "%.6f (pictures) / %.6f (texts)%n", djl.name(), djl.runtime().name(), threads, onnx.runtime().name(),
                        OnnxSessions.intraOpThreads(), export.worstImageCosine(), export.worstTextCosine());
                System.out.printf(Locale.ROOT, "protocol: %d warm-up calls, median of %d repetitions of >= %.1f s each%n",
                        protocol.warmup(), protocol.reps(), protocol.minRepSeconds());
                int s = djl.preprocessor().imageSize();
                float[] pixels = new float[32 * 3 * s * s];
                java.util.Random random = new java.util.Random(1);
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) random.nextGaussian();
                }
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    texts.add("a large red circle above a small blue square " + i);
                }
                System.out.println("batch | images/s DJL | images/s ONNX | ONNX/DJL | texts/s DJL | texts/s ONNX | ONNX/DJL");
                for (int b : BATCHES) {
                    float[] batchPixels = java.util.Arrays.copyOf(pixels, b * 3 * s * s);
                    List<String> batchTexts = texts.subList(0, b);
                    EmbedOptions options = EmbedOptions.defaults().withBatchSize(b);
                    double imagesDjl = protocol.measure(b, t -> djl.embedPixels(batchPixels, b, true)).median();
                    double imagesOnnx = protocol.measure(b, t -> onnx.embedPixels(batchPixels, b, true)).median();
                    double textsDjl = protocol.measure(b, t -> djl.embedTexts(batchTexts, options)).median();
                    double textsOnnx = protocol.measure(b, t -> onnx.embedTexts(batchTexts, options)).median();
                    System.out.printf(Locale.ROOT, "%5d | %12.1f | %13.1f | %7.2fx | %11.1f | %12.1f | %7.2fx%n", b, imagesDjl, imagesOnnx,
                            imagesOnnx / imagesDjl, textsDjl, textsOnnx, textsOnnx / textsDjl);
                }
            }
        } finally {
            FileTrees.delete(tmp);
        }
    }

    private OnnxBackendBenchmark() {}
}
