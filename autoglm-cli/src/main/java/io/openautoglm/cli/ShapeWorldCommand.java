package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.train.data.shapeworld.ShapeWorldConfig;
import io.openautoglm.train.data.shapeworld.ShapeWorldGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "shapeworld", mixinStandardHelpOptions = true,
        description = {"Generate ShapeWorld: synthetic scenes of 1-4 coloured shapes with captions, questions and hard negatives.",
            "Writes DIR/images/*.png, DIR/train.jsonl, DIR/val.jsonl, DIR/test.jsonl and DIR/shapeworld.json.",
            "Deterministic by seed: image i depends only on (seed, i), so --count 100 is a prefix of --count 1000."})
final class ShapeWorldCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (must be empty or absent unless --overwrite).")
    Path out;

    @Option(names = "--count", required = true, paramLabel = "N", description = "Number of images (at least 1).")
    int count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "64", description = "Image side in pixels, 32..512 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--splits", paramLabel = "TRAIN,VAL,TEST", defaultValue = "0.8,0.1,0.1",
            description = "Split fractions, summing to 1 (default: ${DEFAULT-VALUE}).")
    String splits;

    @Option(names = "--single-object-fraction", paramLabel = "F", defaultValue = "0.3",
            description = "Share of one-object scenes, the zero-shot images (default: ${DEFAULT-VALUE}).")
    double singleObjectFraction;

    @Option(names = "--max-objects", paramLabel = "K", defaultValue = "4", description = "Most objects per scene, 1..4 (default: ${DEFAULT-VALUE}).")
    int maxObjects;

    @Option(names = "--rotation", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Rotate shapes by up to 20 degrees (default: on; --no-rotation to turn off).")
    boolean rotation;

    @Option(names = "--noise", paramLabel = "STD", defaultValue = "6",
            description = "Gaussian pixel noise, standard deviation in 0..255 units, 0..64 (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--texture", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Low-contrast background textures (default: on; --no-texture to turn off).")
    boolean texture;

    @Option(names = "--overwrite", description = "Replace a previous dataset in DIR (default: refuse a non-empty DIR).")
    boolean overwrite;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ShapeWorldConfig config = new ShapeWorldConfig(size, count, seed, ShapeWorldConfig.parseSplits(splits),
                singleObjectFraction, maxObjects, rotation, noise, texture);
        PrintWriter err = spec.commandLine().getErr();
        ShapeWorldGenerator.Summary s = new ShapeWorldGenerator(config).generate(out, overwrite, line -> {
            err.println(line);
            err.flush();
        });
        PrintWriter o = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode root = Json.object();
            root.put("out", s.dir().toString());
            root.put("images", s.images());
            ObjectNode splitsNode = root.putObject("splits");
            s.splitCounts().forEach(splitsNode::put);
            root.put("seconds", s.millis() / 1000.0);
            o.println(Json.compact(root));
        } else {
            o.printf("wrote %d images to %s in %.1f s%n", s.images(), s.dir(), s.millis() / 1000.0);
            s.splitCounts().forEach((k, v) -> o.printf("  %-5s %7d  %s%n", k, v, s.dir().resolve(k + ".jsonl")));
            o.printf("  config and counts: %s%n", s.dir().resolve(ShapeWorldGenerator.PROVENANCE_FILE));
        }
        o.flush();
        return 0;
    }
}
