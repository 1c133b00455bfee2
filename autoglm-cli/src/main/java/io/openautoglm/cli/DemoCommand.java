package io.openautoglm.cli;

import io.openautoglm.core.io.FileTrees;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.ZeroShotResult;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.eval.CompositionalEvaluator;
import io.openautoglm.eval.RetrievalEvaluator;
import io.openautoglm.eval.ZeroShotEvaluator;
import io.openautoglm.eval.ZeroShotMetrics;
import io.openautoglm.train.data.shapeworld.ShapeWorldConfig;
import io.openautoglm.train.data.shapeworld.ShapeWorldGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A tour with the bundled model on a small ShapeWorld gallery it has never seen.",
            "Generates the gallery, embeds it, searches it with a few text queries, classifies single shapes zero-shot,"
                + " and measures retrieval, zero-shot and compositional accuracy on it."})
final class DemoCommand implements Callable<Integer> {
    static final List<String> QUERIES = List.of(
            "a large red circle", "a small blue square", "a green star", "a yellow triangle left of a purple diamond",
            "two crosses");
    static final List<String> COLORS = List.of("red", "green", "blue", "yellow", "purple", "orange", "cyan", "white");
    static final List<String> SHAPES = List.of("circle", "square", "triangle", "diamond", "star", "cross");
    static final String TEMPLATE = "a {}";

    @Mixin
    ModelOption model;

    @Option(names = "--gallery", paramLabel = "N", defaultValue = "300", description = "Pictures to generate (default: ${DEFAULT-VALUE}).")
    int gallerySize;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "20261125",
            description = "Gallery seed; the bundled model was trained on seed 1 (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--keep", paramLabel = "DIR", description = "Write the gallery here and keep it (default: a temporary folder, removed).")
    Path keep;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        // Progress goes to stderr, so the report on stdout stays as it was and pipes cleanly.
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        Path dir = keep != null ? keep : Files.createTempDirectory("autoglm-demo-");
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            out.printf("model %s (%s), %,d parameters, %d-dimensional embeddings%n", m.name(), m.layout().description(),
                    m.parameterCounts().get("total"), m.embeddingDim());
            ShapeWorldConfig cfg = new ShapeWorldConfig(m.preprocessor().imageSize(), gallerySize, seed, List.of(0.0, 0.0, 1.0),
                    0.3, 4, true, 6, true);
            step(err, 1, "generating " + gallerySize + " ShapeWorld pictures");
            new ShapeWorldGenerator(cfg).generate(dir, keep != null, line -> { });
            Manifest gallery = Manifest.read(dir.resolve("test.jsonl"));
            out.printf("gallery: %d new ShapeWorld pictures (seed %d) in %s%n%n", gallery.size(), seed, dir);

            step(err, 2, "embedding the gallery for text search");
            search(out, m, gallery);
            step(err, 3, "zero-shot classification");
            classify(out, m, gallery);
            step(err, 4, "metrics: retrieval, zero-shot, compositional");
            metrics(out, m, gallery, err);
            out.printf(Locale.ROOT, "%ndone in %.1f s%n", (System.nanoTime() - start) / 1e9);
        } finally {
            if (keep == null) {
                FileTrees.delete(dir);
            }
        }
        out.flush();
        return 0;
    }

    static final int STEPS = 4;

    private static void step(PrintWriter err, int n, String what) {
        err.println("demo: step " + n + " of " + STEPS + ": " + what + " ...");
        err.flush();
    }

    private static void search(PrintWriter out, MultimodalModel m, Manifest gallery) {
        List<Path> files = gallery.records().stream().map(ManifestRecord::image).toList();
        float[][] images = m.embedImageFiles(files, EmbedOptions.defaults());
        float[][] queries = m.embedTexts(QUERIES);
        float[][] sim = MultimodalModel.similarity(queries, images);
        out.println("text search (top 3 of the gallery; each hit shows its true caption):");
        for (int q = 0; q < QUERIES.size(); q++) {
            out.printf("  \"%s\"%n", QUERIES.get(q));
            float[] row = sim[q];
            List<Integer> order = IntStream.range(0, row.length).boxed()
                    .sorted(Comparator.comparingDouble(i -> -row[i])).limit(3).toList();
            for (int i : order) {
                ManifestRecord r = gallery.records().get(i);
                out.printf(Locale.ROOT, "    %.3f  %-14s %s%n", row[i], r.image().getFileName(), r.caption());
            }
        }
        out.println();
    }

    private static void classify(PrintWriter out, MultimodalModel m, Manifest gallery) {
        List<ManifestRecord> singles = gallery.records().stream().filter(r -> r.get("shape") != null).limit(4).toList();
        if (singles.isEmpty()) {
            return;
        }
        List<RgbImage> pictures = singles.stream().map(r -> m.imageLoader().load(r.image())).toList();
        List<ZeroShotResult> colors = m.zeroShot(pictures, COLORS, List.of(TEMPLATE));
        List<ZeroShotResult> shapes = m.zeroShot(pictures, SHAPES, List.of(TEMPLATE));
        out.println("zero-shot classification of single shapes (prediction, score; truth):");
        for (int i = 0; i < singles.size(); i++) {
            ManifestRecord r = singles.get(i);
            out.printf(Locale.ROOT, "  %-14s color %-7s %.2f (%s)   shape %-9s %.2f (%s)%n", r.image().getFileName(),
                    colors.get(i).best().label(), colors.get(i).best().score(), r.get("color"),
                    shapes.get(i).best().label(), shapes.get(i).best().score(), r.get("shape"));
        }
        out.println();
    }

    private static void metrics(PrintWriter out, MultimodalModel m, Manifest gallery, PrintWriter progress) {
        RetrievalEvaluator.Result r = new RetrievalEvaluator(m, progress).evaluate(gallery, true);
        Manifest singles = gallery.filter(rec -> rec.get("shape") != null);
        ZeroShotMetrics color = new ZeroShotEvaluator(m, progress).evaluate(singles, "color", COLORS, List.of(TEMPLATE));
        ZeroShotMetrics shape = new ZeroShotEvaluator(m, progress).evaluate(singles, "shape", SHAPES, List.of(TEMPLATE));
        CompositionalEvaluator.Result comp = new CompositionalEvaluator(m, progress).evaluate(gallery);
        out.printf("metrics on this gallery (%d pictures, %d with one shape):%n", r.n(), singles.size());
        out.printf(Locale.ROOT, "  text->image  R@1 %.3f  R@5 %.3f  R@10 %.3f  (query: each picture's full caption)%n",
                r.textToImage().recallAt1(), r.textToImage().recallAt5(), r.textToImage().recallAt10());
        out.printf(Locale.ROOT, "  image->text  R@1 %.3f  R@5 %.3f  R@10 %.3f%n",
                r.imageToText().recallAt1(), r.imageToText().recallAt5(), r.imageToText().recallAt10());
        out.printf(Locale.ROOT, "  zero-shot    color top-1 %.3f   shape top-1 %.3f%n", color.top1(), shape.top1());
        out.printf(Locale.ROOT, "  compositional: true caption beats its swapped twin in %.3f of %d pairs%n", comp.accuracy(), comp.n());
    }
}
