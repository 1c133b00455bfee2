package io.openautoglm.cli;

import io.openautoglm.core.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The shared {@code --model DIR} option, defaulting to the bundled model. */
public final class ModelOption {
    /** Where the bundled default model lives, relative to the project root (the launcher's directory). */
    public static final String BUNDLED = "models/autoglm-shapes-tiny";

    @Option(names = {"-m", "--model"}, paramLabel = "DIR",
            description = "Model folder: ours, a Hugging Face CLIPModel or ChineseCLIPModel (BERT text tower) folder, an OpenAI/open_clip folder, "
                    + "or an ONNX folder (autoglm export onnx, or a Hugging Face Optimum CLIP export: runs on ONNX Runtime) "
                    + "(default: the bundled model, ${AUTOGLM_HOME}/" + BUNDLED + ").")
    Path model;

    public Path resolve() {
        return resolve(model, BUNDLED);
    }

    /** A bundled model's folder under the project root (the launcher's directory, {@code AUTOGLM_HOME}). */
    static Path bundled(String relative) {
        return Path.of(System.getenv().getOrDefault("AUTOGLM_HOME", ".")).resolve(relative);
    }

    /** {@code given}, else the bundled model at {@code relative} under the project root. */
    static Path resolve(Path given, String relative) {
        if (given != null) {
            return given;
        }
        Path bundled = bundled(relative);
        if (!Files.isDirectory(bundled)) {
            throw new UserInputException("no --model given and the bundled model is not at " + bundled
                    + ": pass --model DIR (a model folder)");
        }
        return bundled;
    }
}
