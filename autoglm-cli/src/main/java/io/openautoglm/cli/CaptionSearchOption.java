package io.openautoglm.cli;

import io.openautoglm.core.model.fusion.CaptionSearch;
import picocli.CommandLine.Option;

/** The shared caption decoding options: {@code --beam}, {@code --length-penalty}, {@code --max-length}. */
public final class CaptionSearchOption {
    @Option(names = "--beam", paramLabel = "N", defaultValue = "1", description = "Beam size; 1 is greedy (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--length-penalty", paramLabel = "X", defaultValue = "1.0",
            description = "Exponent of the length in beam scores; above 0 favours longer captions (default: ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--max-length", paramLabel = "N", defaultValue = "30",
            description = "Most tokens per caption (default: ${DEFAULT-VALUE}; at most the model's context length).")
    int maxLength;

    /** The options, validated (one clear error for a bad value). */
    CaptionSearch.Options options() {
        return new CaptionSearch.Options(beam, lengthPenalty, maxLength);
    }
}
