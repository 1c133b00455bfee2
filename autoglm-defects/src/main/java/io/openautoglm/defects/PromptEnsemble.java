package io.openautoglm.defects;

import io.openautoglm.core.MultimodalModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot anomaly scoring from text, as WinCLIP does it: a compositional prompt ensemble, every
 * normal state and every damaged state of the category's name inside every template, averaged per
 * side into one "flawless" and one "damaged" embedding. A picture's score is the softmax
 * probability of "damaged" at the model's logit scale.
 */
public final class PromptEnsemble {
    static final List<String> NORMAL_STATES = List.of("{}", "flawless {}", "perfect {}", "unblemished {}", "{} without flaw",
            "{} without defect", "{} without damage");
    static final List<String> DAMAGED_STATES = List.of("damaged {}", "broken {}", "{} with flaw", "{} with defect",
            "{} with damage", "scratched {}", "cracked {}", "stained {}", "{} with a missing piece");
    static final List<String> TEMPLATES = List.of("a photo of a {}.", "a cropped photo of the {}.", "a close-up photo of a {}.",
            "a bright photo of a {}.", "a dark photo of the {}.", "a photo of the {} for visual inspection.",
            "an industrial photo of a {}.");

    private PromptEnsemble() {}

    /** Category name as a prompt word: {@code missing_piece} reads "missing piece". */
    static String word(String category) {
        return category.replace('_', ' ');
    }

    /** The two class embeddings (normal, damaged) of a category, each an L2-normalized mean over its prompts. */
    public static float[][] classes(MultimodalModel model, String category) {
        float[][] out = new float[2][];
        int k = 0;
        for (List<String> states : List.of(NORMAL_STATES, DAMAGED_STATES)) {
            List<String> prompts = new ArrayList<>();
            for (String state : states) {
                for (String template : TEMPLATES) {
                    prompts.add(template.replace("{}", state.replace("{}", word(category))));
                }
            }
            float[][] e = model.embedTexts(prompts);
            float[] mean = new float[e[0].length];
            for (float[] row : e) {
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += row[j];
                }
            }
            PatchFeatures.normalize(mean);
            out[k++] = mean;
        }
        return out;
    }

    /** P(damaged) for an L2-normalized image embedding. */
    public static double score(float[] embedding, float[][] classes, double logitScale) {
        double normal = dot(embedding, classes[0]) * logitScale;
        double damaged = dot(embedding, classes[1]) * logitScale;
        return 1 / (1 + Math.exp(normal - damaged));
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
