package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.FilipScorer;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text-to-image and image-to-text retrieval over a manifest, in the COCO/Flickr30k protocol:
 * the candidates are the manifest's unique images; every caption is a text query whose one
 * relevant image is its own; an image query has all of its captions as relevant. A record that
 * repeats an image adds its captions to that image (COCO lists five captions per picture either
 * way). An image that ends up with no caption is an error: it would be a query with nothing to find.
 */
public final class RetrievalEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How a picture and a text are compared: {@code POOLED}, the cosine of their pooled embeddings,
     * or {@code FILIP}, the token-wise similarity ({@link FilipScorer}; captions cut to the context).
     */
    public enum Scorer {
        POOLED, FILIP;

        /** {@code pooled} or {@code filip}; one clear line for anything else. */
        public static Scorer parse(String name) {
            for (Scorer s : values()) {
                if (s.key().equals(name)) {
                    return s;
                }
            }
            throw new UserInputException("unknown scorer '" + name + "': expected pooled or filip");
        }

        /** The similarity a model's config records ({@code similarity} in config.json). */
        public static Scorer of(MultimodalModel model) {
            return parse(model.config().similarity());
        }

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MultimodalModel model;
    private final PrintWriter progress;
    private final EmbedOptions textOptions;
    private final Scorer scorer;

    /** @param progress where progress lines go for long runs (stderr), or null for none */
    public RetrievalEvaluator(MultimodalModel model, PrintWriter progress) {
        this(model, progress, EmbedOptions.defaults());
    }

    /** @param textOptions how captions are embedded: a caption longer than the context in pooled windows, or cut */
    public RetrievalEvaluator(MultimodalModel model, PrintWriter progress, EmbedOptions textOptions) {
        this(model, progress, textOptions, Scorer.POOLED);
    }

    /** @param scorer pooled cosine or FILIP's token-wise similarity (needs the model's DJL towers: one clear line otherwise) */
    public RetrievalEvaluator(MultimodalModel model, PrintWriter progress, EmbedOptions textOptions, Scorer scorer) {
        this.model = model;
        this.progress = progress;
        this.textOptions = textOptions;
        this.scorer = scorer;
        if (scorer == Scorer.FILIP) {
            new FilipScorer(model); // fails now, before any picture is read, for a model without per-patch outputs
        }
    }

    /** {@code n} is the number of images (the COCO convention); {@code captions} the number of text queries. */
    public record Result(RetrievalMetrics.Summary textToImage, RetrievalMetrics.Summary imageToText, int n, int captions) {
        public ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.set("text_to_image", textToImage.toJson());
            o.set("image_to_text", imageToText.toJson());
            o.put("n", n);
            o.put("captions", captions);
            return o;
        }
    }

    public Result evaluate(Manifest manifest) {
        return evaluate(manifest, false);
    }

    /**
     * @param firstCaptionOnly use only each record's first caption ({@code "caption"}) as a query:
     *     for data whose extra captions are deliberately vague (ShapeWorld's "one circle"), which no
     *     model can retrieve a single image from
     */
    public Result evaluate(Manifest manifest, boolean firstCaptionOnly) {
        return score(prepare(manifest, firstCaptionOnly), PictureTransform.NONE);
    }

    /**
     * What does not depend on the pictures, checked and computed once: the candidate images, which
     * captions belong to which, and the caption embeddings. Score it as often as wanted with {@link #score}.
     */
    public record Prepared(Manifest manifest, List<ManifestRecord> images, int[] captionImage, int[][] imageCaptions,
                           float[][] captionEmbeddings, FilipScorer.Texts captionTokens) {
        /** Pooled caption embeddings only. */
        public Prepared(Manifest manifest, List<ManifestRecord> images, int[] captionImage, int[][] imageCaptions,
                float[][] captionEmbeddings) {
            this(manifest, images, captionImage, imageCaptions, captionEmbeddings, null);
        }
    }

    /** The checks and caption embeddings of {@link #evaluate(Manifest, boolean)}, without any picture. */
    public Prepared prepare(Manifest manifest, boolean firstCaptionOnly) {
        Map<Path, ManifestRecord> firstRecord = new LinkedHashMap<>();
        Map<Path, List<String>> captionsByImage = new LinkedHashMap<>();
        for (ManifestRecord r : manifest.records()) {
            firstRecord.putIfAbsent(r.image(), r);
            List<String> queries = firstCaptionOnly && !r.captions().isEmpty() ? List.of(r.caption()) : r.captions();
            captionsByImage.computeIfAbsent(r.image(), k -> new ArrayList<>()).addAll(queries);
        }
        List<ManifestRecord> images = new ArrayList<>(firstRecord.values());
        List<String> captions = new ArrayList<>();
        int[] captionImage = new int[captionsByImage.values().stream().mapToInt(List::size).sum()];
        int[][] imageCaptions = new int[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            List<String> mine = captionsByImage.get(images.get(i).image());
            if (mine.isEmpty()) {
                throw new UserInputException(manifest.file() + ":" + images.get(i).lineNumber() + ": image "
                        + images.get(i).image().getFileName() + " has no \"caption\" or \"captions\" in any record; "
                        + "retrieval needs at least one caption per image");
            }
            imageCaptions[i] = new int[mine.size()];
            for (int c = 0; c < mine.size(); c++) {
                imageCaptions[i][c] = captions.size();
                captionImage[captions.size()] = i;
                captions.add(mine.get(c));
            }
        }
        if (scorer == Scorer.FILIP) {
            FilipScorer.Texts tokens = new FilipScorer(model).embedTexts(captions, textOptions.batchSize()); // (T, L, P)
            return new Prepared(manifest, List.copyOf(images), captionImage, imageCaptions, null, tokens);
        }
        float[][] textEmb = new BatchEmbedder(model, progress, PictureTransform.NONE, textOptions).texts(captions, "embedding captions"); // (T, D)
        return new Prepared(manifest, List.copyOf(images), captionImage, imageCaptions, textEmb);
    }

    /** Retrieval metrics over the prepared set, each picture passed through {@code transform} first. */
    public Result score(Prepared p, PictureTransform transform) {
        if (p.captionTokens() != null) {
            return scoreFilip(p, transform);
        }
        float[][] imageEmb = new BatchEmbedder(model, progress, transform).images(p.manifest(), p.images()); // (I, D)
        float[][] t2i = MultimodalModel.similarity(p.captionEmbeddings(), imageEmb); // (T, I)
        int captions = p.captionImage().length;
        int[][] t2iRelevant = new int[captions][];
        for (int t = 0; t < captions; t++) {
            t2iRelevant[t] = new int[] {p.captionImage()[t]};
        }
        // Image->text reads columns of the one matrix: it is the largest thing we hold (T x I floats).
        RetrievalMetrics.Summary imageToText = RetrievalMetrics.evaluate(i -> column(t2i, i), p.imageCaptions());
        return new Result(RetrievalMetrics.evaluate(t2i, t2iRelevant), imageToText, p.images().size(), captions);
    }

    /** FILIP's two directions differ: text queries rank by text-to-image scores, picture queries by picture-to-text ones. */
    private Result scoreFilip(Prepared p, PictureTransform transform) {
        FilipScorer filip = new FilipScorer(model);
        FilipScorer.Pictures pictures = new BatchEmbedder(model, progress, transform).patches(p.manifest(), p.images(), filip); // (I, N, P)
        FilipScorer.Scores scores = filip.score(pictures, p.captionTokens());
        int captions = p.captionImage().length;
        int[][] t2iRelevant = new int[captions][];
        for (int t = 0; t < captions; t++) {
            t2iRelevant[t] = new int[] {p.captionImage()[t]};
        }
        RetrievalMetrics.Summary imageToText = RetrievalMetrics.evaluate(i -> scores.imageToText()[i], p.imageCaptions());
        return new Result(RetrievalMetrics.evaluate(scores.textToImage(), t2iRelevant), imageToText, p.images().size(), captions);
    }

    private static float[] column(float[][] m, int j) { // (T, I) -> (T)
        float[] out = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i][j];
        }
        return out;
    }
}
