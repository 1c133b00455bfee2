package io.openautoglm.eval;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.FilipScorer;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.ZeroShotClassifier;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Zero-shot accuracy over a labelled manifest. Class embeddings are built once, the way
 * {@link MultimodalModel#zeroShot} builds them (the renormalized mean of the normalized template
 * embeddings), and images are then embedded in batches; softmax is skipped because it does not
 * change the order of the scores. Records without the label key are skipped and counted.
 *
 * <p>With {@link RetrievalEvaluator.Scorer#FILIP} a picture is scored against each prompt by FILIP's
 * picture-to-text token-wise similarity, and a label's score is the mean over its prompts (token
 * embeddings cannot be averaged into one class vector the way pooled ones are).
 */
public final class ZeroShotEvaluator {
    public static final String DEFAULT_TEMPLATE = "a photo of a {}.";

    private final MultimodalModel model;
    private final PrintWriter progress;
    private final RetrievalEvaluator.Scorer scorer;

    /** @param progress where progress lines go for long runs (stderr), or null for none */
    public ZeroShotEvaluator(MultimodalModel model, PrintWriter progress) {
        this(model, progress, RetrievalEvaluator.Scorer.POOLED);
    }

    /** @param scorer pooled cosine or FILIP's token-wise similarity (needs the model's DJL towers: one clear line otherwise) */
    public ZeroShotEvaluator(MultimodalModel model, PrintWriter progress, RetrievalEvaluator.Scorer scorer) {
        this.model = model;
        this.progress = progress;
        this.scorer = scorer;
        if (scorer == RetrievalEvaluator.Scorer.FILIP) {
            new FilipScorer(model); // fails now, before any picture is read, for a model without per-patch outputs
        }
    }

    /**
     * @param labels    the classes, or null/empty for the sorted distinct values of {@code labelKey};
     *                  a record whose label is not among given labels is an error
     * @param templates prompts with "{}" for the label, or empty for {@value #DEFAULT_TEMPLATE}
     */
    public ZeroShotMetrics evaluate(Manifest manifest, String labelKey, List<String> labels, List<String> templates) {
        return score(prepare(manifest, labelKey, labels, templates), PictureTransform.NONE);
    }

    /**
     * What does not depend on the pictures, checked and computed once: the labelled records, their
     * classes and the class embeddings. Score it as often as wanted with {@link #score}.
     */
    public record Prepared(Manifest manifest, List<ManifestRecord> records, int[] truth, List<String> classes,
                           float[][] classEmbeddings, int skipped, FilipScorer.Texts promptTokens, int templateCount) {}

    /** The checks and class embeddings of {@link #evaluate}, without any picture. */
    public Prepared prepare(Manifest manifest, String labelKey, List<String> labels, List<String> templates) {
        List<ManifestRecord> kept = new ArrayList<>();
        for (ManifestRecord r : manifest.records()) {
            String v = r.get(labelKey);
            if (v != null) {
                kept.add(r);
            }
        }
        int skipped = manifest.size() - kept.size();
        if (kept.isEmpty()) {
            throw new UserInputException("no record in " + manifest.file() + " has the key \"" + labelKey
                    + "\": pass --label-key with the field that holds the class");
        }
        List<String> classes = labels == null || labels.isEmpty()
                ? List.copyOf(new TreeSet<>(kept.stream().map(r -> r.get(labelKey)).toList()))
                : List.copyOf(labels);
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            if (index.put(classes.get(c), c) != null) {
                throw new UserInputException("label \"" + classes.get(c) + "\" is given twice");
            }
        }
        int[] truth = new int[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            String v = kept.get(i).get(labelKey);
            Integer c = index.get(v);
            if (c == null) {
                throw new UserInputException(manifest.file() + ":" + kept.get(i).lineNumber() + ": label \"" + v
                        + "\" is not among the given labels " + classes + ": add it to --labels or drop the record");
            }
            truth[i] = c;
        }
        List<String> prompts = templates == null || templates.isEmpty() ? List.of(DEFAULT_TEMPLATE) : templates;
        if (scorer == RetrievalEvaluator.Scorer.FILIP) {
            FilipScorer.Texts tokens = new FilipScorer(model).embedTexts(ZeroShotClassifier.prompts(classes, prompts),
                    EmbedOptions.defaults()); // L * P prompts, label by label
            return new Prepared(manifest, List.copyOf(kept), truth, classes, null, skipped, tokens, prompts.size());
        }
        float[][] classEmb = model.labelEmbeddings(classes, prompts); // (L, D)
        return new Prepared(manifest, List.copyOf(kept), truth, classes, classEmb, skipped, null, prompts.size());
    }

    /** Zero-shot metrics over the prepared records, each picture passed through {@code transform} first. */
    public ZeroShotMetrics score(Prepared p, PictureTransform transform) {
        if (p.promptTokens() != null) {
            FilipScorer filip = new FilipScorer(model);
            FilipScorer.Pictures pictures = new BatchEmbedder(model, progress, transform).patches(p.manifest(), p.records(), filip);
            float[][] perPrompt = filip.score(pictures, p.promptTokens()).imageToText(); // (N, L * P)
            return ZeroShotMetrics.compute(p.truth(), meanOverTemplates(perPrompt, p.classes().size(), p.templateCount()),
                    p.classes(), p.skipped());
        }
        float[][] imageEmb = new BatchEmbedder(model, progress, transform).images(p.manifest(), p.records()); // (N, D)
        float[][] scores = MultimodalModel.similarity(imageEmb, p.classEmbeddings()); // (N, L)
        return ZeroShotMetrics.compute(p.truth(), scores, p.classes(), p.skipped());
    }

    /** (N, L * P) prompt scores, label by label, to (N, L) label scores. */
    static float[][] meanOverTemplates(float[][] perPrompt, int labels, int templates) {
        float[][] out = new float[perPrompt.length][labels];
        for (int i = 0; i < perPrompt.length; i++) {
            for (int l = 0; l < labels; l++) {
                double sum = 0;
                for (int t = 0; t < templates; t++) {
                    sum += perPrompt[i][l * templates + t];
                }
                out[i][l] = (float) (sum / templates);
            }
        }
        return out;
    }
}
