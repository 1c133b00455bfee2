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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Text-to-image and image-to-text retrieval over a manifest, in the COCO/Flickr30k protocol:
 * the candidates are the manifest's unique images; every caption is a text query whose one
 * relevant image is its own; an image query has all of its captions as relevant. A record that
 * repeats an image adds its captions to that image (COCO lists five captions per picture either
 * way). An image that ends up with no caption is an error: it would be a query with nothing to find.
 *
 * <p>Alongside, {@code text_to_image_same_caption}: the same text queries, with every image that has
 * an identical caption (after trimming, case and runs of spaces ignored) counted as relevant. Generated
 * data repeats captions ("a red circle" describes many ShapeWorld pictures), and the strict protocol
 * counts the model's pick of another such picture as a miss; the standard figure stays the headline,
 * comparable with published ones, and this one says how much of its gap is ambiguous queries.
 */
public final class RetrievalEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How a picture and a text are compared: {@code POOLED}, the cosine of their pooled embeddings,
     * or {@code FILIP}, the token-wise similarity ({@link FilipScorer}; long captions read in windows unless cut).
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
    /**
     * {@code textToImageSameCaption} ranks the same text queries with every image sharing the caption
     * relevant; {@code sharedCaptions} is how many queries have such an other image.
     */
    public record Result(RetrievalMetrics.Summary textToImage, RetrievalMetrics.Summary imageToText, int n, int captions,
                         RetrievalMetrics.Summary textToImageSameCaption, int sharedCaptions) {
        public ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.set("text_to_image", textToImage.toJson());
            o.set("image_to_text", imageToText.toJson());
            o.set("text_to_image_same_caption", textToImageSameCaption.toJson());
            o.put("n", n);
            o.put("captions", captions);
            o.put("shared_captions", sharedCaptions);
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
                           int[][] sameCaptionImages, float[][] captionEmbeddings, FilipScorer.Texts captionTokens) {
        /** The strict relevance: each caption's own image only. */
        int[][] ownImage() {
            int[][] relevant = new int[captionImage.length][];
            for (int t = 0; t < captionImage.length; t++) {
                relevant[t] = new int[] {captionImage[t]};
            }
            return relevant;
        }

        int sharedCaptions() {
            int shared = 0;
            for (int[] images : sameCaptionImages) {
                shared += images.length > 1 ? 1 : 0;
            }
            return shared;
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
        int[][] sameCaption = sameCaptionImages(captions, captionImage);
        if (scorer == Scorer.FILIP) {
            FilipScorer.Texts tokens = new FilipScorer(model).embedTexts(captions, textOptions); // (T, L, P), long captions in windows
            return new Prepared(manifest, List.copyOf(images), captionImage, imageCaptions, sameCaption, null, tokens);
        }
        float[][] textEmb = new BatchEmbedder(model, progress, PictureTransform.NONE, textOptions).texts(captions, "embedding captions"); // (T, D)
        return new Prepared(manifest, List.copyOf(images), captionImage, imageCaptions, sameCaption, textEmb, null);
    }

    /** Per caption, the ascending distinct images whose captions read the same (its own among them). */
    static int[][] sameCaptionImages(List<String> captions, int[] captionImage) {
        Map<String, TreeSet<Integer>> imagesByText = new HashMap<>();
        for (int t = 0; t < captions.size(); t++) {
            imagesByText.computeIfAbsent(normalized(captions.get(t)), k -> new TreeSet<>()).add(captionImage[t]);
        }
        Map<String, int[]> shared = new HashMap<>();
        int[][] out = new int[captions.size()][];
        for (int t = 0; t < captions.size(); t++) {
            out[t] = shared.computeIfAbsent(normalized(captions.get(t)),
                    k -> imagesByText.get(k).stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    private static String normalized(String caption) {
        return caption.strip().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
    }

    /** Retrieval metrics over the prepared set, each picture passed through {@code transform} first. */
    public Result score(Prepared p, PictureTransform transform) {
        if (p.captionTokens() != null) {
            return scoreFilip(p, transform);
        }
        float[][] imageEmb = new BatchEmbedder(model, progress, transform).images(p.manifest(), p.images()); // (I, D)
        float[][] t2i = MultimodalModel.similarity(p.captionEmbeddings(), imageEmb); // (T, I)
        // Image->text reads columns of the one matrix: it is the largest thing we hold (T x I floats).
        RetrievalMetrics.Summary imageToText = RetrievalMetrics.evaluate(i -> column(t2i, i), p.imageCaptions());
        return result(p, t2i, imageToText);
    }

    private static Result result(Prepared p, float[][] textToImage, RetrievalMetrics.Summary imageToText) { // textToImage (T, I)
        return new Result(RetrievalMetrics.evaluate(textToImage, p.ownImage()), imageToText, p.images().size(),
                p.captionImage().length, RetrievalMetrics.evaluate(textToImage, p.sameCaptionImages()), p.sharedCaptions());
    }

    /** FILIP's two directions differ: text queries rank by text-to-image scores, picture queries by picture-to-text ones. */
    private Result scoreFilip(Prepared p, PictureTransform transform) {
        FilipScorer filip = new FilipScorer(model);
        FilipScorer.Pictures pictures = new BatchEmbedder(model, progress, transform).patches(p.manifest(), p.images(), filip); // (I, N, P)
        FilipScorer.Scores scores = filip.score(pictures, p.captionTokens());
        RetrievalMetrics.Summary imageToText = RetrievalMetrics.evaluate(i -> scores.imageToText()[i], p.imageCaptions());
        return result(p, scores.textToImage(), imageToText);
    }

    private static float[] column(float[][] m, int j) { // (T, I) -> (T)
        float[] out = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i][j];
        }
        return out;
    }
}
