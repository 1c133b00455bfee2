package io.openautoglm.bench;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * How a model's throughput grows with the batch, in process (no HTTP): what micro-batching can
 * win at most. Texts two ways in the same run: {@code embedTexts} (the columns up to the batch's
 * last end token) against the same ids at the full context ({@code embedTokenIds}), the peer that
 * shows what the trimming is worth. Pictures from decoded images, so decoding is not timed.
 *
 * <pre>java ... ModelBatchScaling MODEL_DIR PICTURE_DIR [SECONDS_PER_POINT]</pre>
 */
public final class ModelBatchScaling {
    private static final int[] BATCHES = {1, 4, 9, 16, 32};

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ModelBatchScaling MODEL_DIR PICTURE_DIR [SECONDS_PER_POINT]");
            System.exit(2);
        }
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 2;
        try (MultimodalModel model = MultimodalModel.load(Path.of(args[0]));
                Stream<Path> files = Files.list(Path.of(args[1]))) {
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
            System.out.printf(Locale.ROOT, "model %s, context %d tokens, %.1f s per point after 10 warm-up calls%n",
                    model.name(), t, seconds);
            System.out.println("batch | texts/s (trimmed) | texts/s (full context) | trimmed/full | pictures/s");
            for (int b : BATCHES) {
                List<String> batch = texts.subList(0, b);
                EmbedOptions options = EmbedOptions.defaults().withBatchSize(b);
                long[] ids = model.tokenizer().encodeBatch(batch);
                double trimmed = rate(b, seconds, x -> model.embedTexts(batch, options));
                double full = rate(b, seconds, x -> model.embedTokenIds(ids, b, t, true));
                double images = rate(b, seconds, x -> model.embedImages(pictures.subList(0, b), options));
                System.out.printf(Locale.ROOT, "%5d | %17.0f | %22.0f | %11.2fx | %10.0f%n", b, trimmed, full, trimmed / full, images);
            }
        }
    }

    /** Items per second of one model call on {@code batch} items, repeated for {@code seconds}. */
    private static double rate(int batch, double seconds, Consumer<Void> call) {
        for (int w = 0; w < 10; w++) {
            call.accept(null);
        }
        long t0 = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - t0 < seconds * 1e9) {
            call.accept(null);
            calls++;
        }
        return calls * batch / ((System.nanoTime() - t0) / 1e9);
    }

    private ModelBatchScaling() {}
}
