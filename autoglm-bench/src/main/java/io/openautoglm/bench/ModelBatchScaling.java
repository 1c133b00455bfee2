package io.openautoglm.bench;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * How a model's throughput grows with the batch, in process (no HTTP): what micro-batching can
 * win at most. Texts two ways in the same run: {@code embedTexts} (the columns up to the batch's
 * last end token) against the same ids at the full context ({@code embedTokenIds}), the peer that
 * shows what the trimming is worth. Pictures from decoded images, so decoding is not timed.
 *
 * <pre>java ... ModelBatchScaling --model MODEL_DIR --pictures PICTURE_DIR [--seconds SECONDS_PER_POINT]</pre>
 */
public final class ModelBatchScaling {
    private static final int[] BATCHES = {1, 4, 9, 16, 32};
    private static final int WARMUP_CALLS = 10;
    static final String USAGE = "options: --model DIR --pictures DIR (its .png files, the first 32) --seconds 2 (per point)";

    public static void main(String[] args) throws Exception {
        BenchArgs.main("model batch scaling", USAGE, args, ModelBatchScaling::run);
    }

    private static void run(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Set.of("--model", "--pictures", "--seconds"), Set.of());
        Path modelDir = Path.of(a.required("--model"));
        Path pictureDir = Path.of(a.required("--pictures"));
        double seconds = a.decimal("--seconds", 2);
        BenchArgs.atLeast("--seconds", seconds, 0);
        // One repetition of at least `seconds` after the warm-up calls: a point's rate.
        Repetitions protocol = new Repetitions(WARMUP_CALLS, 1, seconds, Double.POSITIVE_INFINITY);
        if (!Files.isDirectory(pictureDir)) {
            throw new UserInputException("--pictures " + pictureDir + " is not a folder");
        }
        try (MultimodalModel model = MultimodalModel.load(modelDir);
                Stream<Path> files = Files.list(pictureDir)) {
            List<RgbImage> pictures = new ArrayList<>();
            ImageLoader loader = new ImageLoader();
            for (Path f : files.filter(p -> p.toString().endsWith(".png")).sorted().limit(32).toList()) {
                pictures.add(loader.load(f));
            }
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                texts.add("a large red circle above a blue square " + i);
            }
            int t = model.tokenizer().contextLength();
            System.out.printf(Locale.ROOT, "model %s, context %d tokens, %.1f s per point after %d warm-up calls%n",
                    model.name(), t, seconds, WARMUP_CALLS);
            System.out.println("batch | texts/s (trimmed) | texts/s (full context) | trimmed/full | pictures/s");
            for (int b : BATCHES) {
                List<String> batch = texts.subList(0, b);
                EmbedOptions options = EmbedOptions.defaults().withBatchSize(b);
                long[] ids = model.tokenizer().encodeBatch(batch);
                double trimmed = protocol.measure(b, timed -> model.embedTexts(batch, options)).median();
                double full = protocol.measure(b, timed -> model.embedTokenIds(ids, b, t, true)).median();
                double images = protocol.measure(b, timed -> model.embedImages(pictures.subList(0, b), options)).median();
                System.out.printf(Locale.ROOT, "%5d | %17.0f | %22.0f | %11.2fx | %10.0f%n", b, trimmed, full, trimmed / full, images);
            }
        }
    }

    private ModelBatchScaling() {}
}
