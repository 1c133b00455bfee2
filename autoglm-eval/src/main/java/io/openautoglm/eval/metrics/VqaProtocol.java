package io.openautoglm.eval.metrics;

import io.openautoglm.core.UserInputException;
import java.util.Locale;

/**
 * Which revision of the official VQA evaluation (GT-Vision-Lab/VQA, vqaEval.py) to reproduce.
 * The two differ in when answers are normalized, which moves scores (docs/metrics.md).
 */
public enum VqaProtocol {
    /**
     * The code as of 2016-10 (used by the VQA v2 challenges of 2017 to 2020): the prediction always
     * gets punctuation and digit/article steps; human answers get punctuation only, and only when
     * they are not all the same string.
     */
    V2017("2017"),
    /**
     * The code since the 2021-03 commit "Fixed processing answers bug": newlines, tabs and outer
     * spaces go from human answers too; when the humans disagree, both sides get punctuation and
     * digit/article steps; when they all agree, neither side is normalized beyond that whitespace.
     */
    V2021("2021");

    private final String label;

    VqaProtocol(String label) {
        this.label = label;
    }

    /** The value the {@code --vqa-eval} option takes. */
    public String label() {
        return label;
    }

    /** The default: what the official code does today. */
    public static VqaProtocol current() {
        return V2021;
    }

    /** Parses an option value: 2017, 2021 or current (case-insensitive). */
    public static VqaProtocol parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "2017" -> V2017;
            case "2021", "current" -> V2021;
            default -> throw new UserInputException("--vqa-eval must be 2017, 2021 or current, got '" + value + "'");
        };
    }
}
