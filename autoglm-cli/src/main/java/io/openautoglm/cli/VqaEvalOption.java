package io.openautoglm.cli;

import io.openautoglm.eval.metrics.VqaProtocol;
import picocli.CommandLine.Option;

/** The shared {@code --vqa-eval 2021|current|2017} option of {@code eval vqa} and {@code metrics vqa}. */
public final class VqaEvalOption {
    @Option(names = "--vqa-eval", paramLabel = "VERSION", defaultValue = "2021",
            description = "Which revision of the official vqaEval.py to reproduce: 2021 (= current, the default: today's code) "
                    + "or 2017 (the code before the 2021 fix, used by the 2017-2020 challenge numbers). See docs/metrics.md.")
    String version;

    /** The revision asked for; a value it does not know is one clear error line. */
    VqaProtocol protocol() {
        return VqaProtocol.parse(version);
    }
}
