package io.openautoglm.core;

import io.openautoglm.core.image.RgbImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot classification with CLIP's prompt ensembling: each label's embedding is the
 * renormalized mean of its normalized prompt embeddings; scores are the softmax of the model's
 * logit scale times cosine similarity. The pure parts (prompts, ensembling, scoring) are static so
 * the server can run them around its own batched embedding calls.
 */
public final class ZeroShotClassifier {
    private ZeroShotClassifier() {}

    /**
     * @param templates prompts with "{}" where the label goes; empty means "{}" alone
     */
    public static List<ZeroShotResult> classify(MultimodalModel model, List<RgbImage> images, List<String> labels,
            List<String> templates) {
        float[][] classes = labelEmbeddings(model, labels, templates.isEmpty() ? List.of("{}") : templates);
        float scale = model.logitScale();
        float[][] imageEmbeds = model.embedImages(images); // (N, D) normalized
        List<ZeroShotResult> results = new ArrayList<>();
        for (float[] image : imageEmbeds) {
            results.add(scoreLabels(image, classes, labels, scale));
        }
        return results;
    }

    /** One normalized embedding per label from its prompts. (L labels, P templates) -> (L, D) */
    public static float[][] labelEmbeddings(MultimodalModel model, List<String> labels, List<String> templates) {
        return ensemblePrompts(model.embedTexts(prompts(labels, templates)), labels.size(), templates.size());
    }

    /**
     * Every label in every template, label by label (the P prompts of label 0 first); one clear
     * {@link UserInputException} for no labels or a template without "{}".
     */
    public static List<String> prompts(List<String> labels, List<String> templates) {
        if (labels.isEmpty()) {
            throw new UserInputException("zero-shot needs at least one label");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new UserInputException("template '" + t + "' has no {} where the label goes");
            }
        }
        List<String> prompts = new ArrayList<>();
        for (String label : labels) {
            for (String t : templates) {
                prompts.add(t.replace("{}", label));
            }
        }
        return prompts;
    }

    /**
     * Prompt ensembling over normalized prompt embeddings grouped label by label: each label's row
     * is the renormalized mean of its P prompts. (L * P, D) -> (L, D)
     */
    public static float[][] ensemblePrompts(float[][] e, int labelCount, int p) {
        float[][] out = new float[labelCount][];
        for (int c = 0; c < labelCount; c++) {
            float[] mean = new float[e[0].length];
            for (int k = 0; k < p; k++) {
                for (int d = 0; d < mean.length; d++) {
                    mean[d] += e[c * p + k][d] / p;
                }
            }
            out[c] = Vectors.normalize(mean);
        }
        return out;
    }

    /**
     * One image's labels, best first: the softmax of {@code logitScale} times the cosine of the
     * normalized image embedding (D) with each label embedding (L, D).
     */
    public static ZeroShotResult scoreLabels(float[] image, float[][] classes, List<String> labels, float logitScale) {
        float[] logits = new float[labels.size()];
        for (int c = 0; c < labels.size(); c++) {
            logits[c] = logitScale * Vectors.dot(image, classes[c]);
        }
        float[] p = Vectors.softmax(logits);
        List<ZeroShotResult.LabelScore> scored = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            scored.add(new ZeroShotResult.LabelScore(labels.get(c), p[c]));
        }
        scored.sort((x, y) -> Float.compare(y.score(), x.score()));
        return new ZeroShotResult(List.copyOf(scored));
    }
}
