package io.openautoglm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model DIR} option of the commands that need fusion heads, defaulting to the bundled fusion model. */
public final class FusionModelOption {
    /** The bundled model with matching, question-answering and caption heads. */
    public static final String BUNDLED = "models/autoglm-shapes-tiny-fusion";

    @Option(names = {"-m", "--model"}, paramLabel = "DIR",
            description = "A model folder with fusion heads (default: the bundled one, ${AUTOGLM_HOME}/" + BUNDLED + ").")
    Path model;

    public Path resolve() {
        return ModelOption.resolve(model, BUNDLED);
    }
}
