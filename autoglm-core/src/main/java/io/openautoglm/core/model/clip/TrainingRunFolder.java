package io.openautoglm.core.model.clip;

import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The output folder of {@code autoglm train} ({@code --out runs/x}) where a model folder is asked
 * for: it holds the final model in {@code model/}, the best checkpoint in {@code best/} and the
 * checkpoints under {@code checkpoints/step-N/}, each a model folder of its own. Every command
 * that reads a model comes through {@link ModelDirectory#read}, which takes a run folder as its
 * final model and otherwise names the folders to choose from.
 */
final class TrainingRunFolder {
    static final String FINAL_MODEL = "model";
    static final String BEST = "best";
    static final String CHECKPOINTS = "checkpoints";

    private TrainingRunFolder() {}

    /**
     * The model folder to read for {@code dir}: {@code dir} itself unless it is a training run's
     * output, then its final {@code model/}; a run without one yet is a clear error naming
     * {@code best/} and the latest checkpoint.
     */
    static Path modelOf(Path dir) {
        if (!Files.isDirectory(dir) || isModelFolder(dir) || !isRun(dir)) {
            return dir;
        }
        Path finalModel = dir.resolve(FINAL_MODEL);
        if (isModelFolder(finalModel)) {
            return finalModel;
        }
        StringBuilder choices = new StringBuilder();
        if (isModelFolder(dir.resolve(BEST))) {
            choices.append(dir.resolve(BEST)).append(" (the best checkpoint so far)");
        }
        latestCheckpoint(dir).ifPresent(c -> choices.append(choices.length() > 0 ? " or " : "").append(c).append(" (the latest)"));
        throw new UserInputException(dir + " is a training run without a final model yet (no " + finalModel + "): "
                + (choices.length() > 0 ? "did you mean " + choices + "? " : "")
                + "finish the run with the same autoglm train command plus --resume");
    }

    private static boolean isRun(Path dir) {
        return Files.isDirectory(dir.resolve(CHECKPOINTS)) || Files.isRegularFile(dir.resolve("metrics.jsonl"))
                || isModelFolder(dir.resolve(FINAL_MODEL)) || isModelFolder(dir.resolve(BEST));
    }

    private static boolean isModelFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(ModelDirectory.CONFIG)) || Files.isRegularFile(dir.resolve(ModelDirectory.OPEN_CLIP_CONFIG));
    }

    private static Optional<Path> latestCheckpoint(Path run) {
        Path root = run.resolve(CHECKPOINTS);
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("step-") && isModelFolder(p))
                    .max(java.util.Comparator.comparing(p -> p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
