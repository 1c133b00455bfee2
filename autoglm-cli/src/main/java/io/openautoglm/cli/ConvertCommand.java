package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Write any model folder we read as an Open-AutoGLM model directory.",
            "Writes config.json, model.safetensors, tokenizer.json, preprocessor.json and provenance.json;"
                + " the result is reloaded and checked to give the same embeddings as the source."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SRC", description = "Source model folder (ours, Hugging Face CLIPModel or ChineseCLIPModel, OpenAI/open_clip).")
    Path source;

    @Parameters(index = "1", paramLabel = "DST", description = "Destination folder; created if missing.")
    Path target;

    @Option(names = "--overwrite", description = "Replace the model files in a non-empty DST (default: refuse).")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(target) && Files.exists(source)
                && source.toRealPath().equals(target.toAbsolutePath().normalize().toRealPath())) {
            throw new UserInputException("SRC and DST are the same folder: " + source);
        }
        if (Files.isDirectory(target) && !isEmpty(target) && !overwrite) {
            throw new UserInputException(target + " is not empty: choose another DST or pass --overwrite");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new UserInputException(target + " exists and is not a directory");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel src = MultimodalModel.load(source)) {
            ObjectNode extra = Json.object();
            extra.put("converted_from", source.toAbsolutePath().normalize().toString());
            extra.put("converted_from_layout", src.layout().name());
            src.save(target, extra);
            double diff = verify(src, target);
            out.printf("converted %s (%s) -> %s (Open-AutoGLM model directory), %,d parameters%n",
                    source, src.layout().description(), target, src.parameterCounts().get("total"));
            out.printf("verified: the copy reproduces the source's embeddings (max abs difference %.2g)%n", diff);
        }
        out.flush();
        return 0;
    }

    /** Reloads the written folder and compares image and text embeddings on a fixed probe. */
    private static double verify(MultimodalModel src, Path target) {
        try (MultimodalModel copy = MultimodalModel.load(target)) {
            int s = src.preprocessor().imageSize();
            float[] pixels = new float[3 * s * s];
            Random random = new Random(7);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) random.nextGaussian();
            }
            int t = src.config().text().contextLength();
            long[] ids = new long[t];
            ids[0] = src.config().text().bosId();
            ids[1] = src.config().text().eosId();
            double diff = Math.max(
                    maxDiff(src.embedPixels(pixels, 1, false), copy.embedPixels(pixels, 1, false)),
                    maxDiff(src.embedTokenIds(ids, 1, t, false), copy.embedTokenIds(ids, 1, t, false)));
            if (diff > 1e-5) {
                throw new IllegalStateException("the converted model differs from its source by " + diff);
            }
            return diff;
        }
    }

    private static double maxDiff(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
