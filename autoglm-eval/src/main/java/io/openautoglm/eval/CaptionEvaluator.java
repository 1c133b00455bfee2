package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.Progress;
import io.openautoglm.core.model.fusion.CaptionSearch;
import io.openautoglm.eval.metrics.CaptionEvaluation;
import io.openautoglm.eval.metrics.CaptionMetrics;
import io.openautoglm.eval.metrics.CocoCaptionTokenizer;
import io.openautoglm.eval.metrics.ScoredImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Captions every image of a manifest with the model's caption decoder and scores the captions
 * against each record's own captions (all of {@code "caption"} and {@code "captions"}) with the
 * COCO caption metrics (BLEU, ROUGE-L, CIDEr-D). Can write the COCO files: annotations and results.
 */
public final class CaptionEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int BATCH = 32;

    private final MultimodalModel model;
    private final PrintWriter progress;

    public CaptionEvaluator(MultimodalModel model, PrintWriter progress) {
        this.model = model;
        this.progress = progress;
    }

    /** One image: its id (the manifest line), path, generated caption and references. */
    public record Captioned(long imageId, String image, String caption, List<String> references) {}

    public record Result(CaptionMetrics metrics, List<Captioned> captions) {}

    /** @param limit at most this many images (0: all), in manifest order */
    public Result evaluate(Manifest manifest, CaptionSearch.Options options, int limit) {
        var fusion = model.fusion();
        List<ManifestRecord> records = manifest.records().stream().filter(r -> !r.captions().isEmpty())
                .limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
        if (records.isEmpty()) {
            throw new UserInputException(manifest.file() + " has no records with a \"caption\" to compare against");
        }
        List<Captioned> out = new ArrayList<>();
        Progress p = Progress.start(progress, "captioning images", records.size());
        for (int start = 0; start < records.size(); start += BATCH) {
            List<ManifestRecord> part = records.subList(start, Math.min(records.size(), start + BATCH));
            List<RgbImage> images = new ArrayList<>();
            for (ManifestRecord r : part) {
                try {
                    images.add(model.imageLoader().load(r.image()));
                } catch (UserInputException e) {
                    throw new UserInputException(manifest.file() + ":" + r.lineNumber() + ": " + e.getMessage(), e);
                }
            }
            List<String> captions = fusion.caption(images, options);
            for (int i = 0; i < part.size(); i++) {
                ManifestRecord r = part.get(i);
                out.add(new Captioned(r.lineNumber(), VqaEvaluator.relativeImage(manifest, r), captions.get(i),
                        r.captions()));
            }
            p.advance(part.size());
        }
        p.finish();
        List<ScoredImage> scored = new ArrayList<>();
        for (Captioned c : out) {
            scored.add(new ScoredImage(Long.toString(c.imageId()), CocoCaptionTokenizer.tokenize(c.caption()),
                    c.references().stream().map(CocoCaptionTokenizer::tokenize).toList()));
        }
        return new Result(CaptionEvaluation.score(scored), out);
    }

    /**
     * Writes COCO caption files into {@code dir}: {@code annotations.json} (images and reference
     * captions) and {@code results.json} ({@code [{"image_id", "caption"}]}), which the COCO caption
     * toolkit (and {@code autoglm metrics caption}) scores.
     */
    public static void writeOfficial(List<Captioned> captions, Path dir) throws IOException {
        ObjectNode annotations = JSON.createObjectNode();
        ArrayNode images = annotations.putArray("images");
        ArrayNode refs = annotations.putArray("annotations");
        ArrayNode results = JSON.createArrayNode();
        long id = 1;
        for (Captioned c : captions) {
            images.addObject().put("id", c.imageId()).put("file_name", c.image());
            for (String r : c.references()) {
                refs.addObject().put("image_id", c.imageId()).put("id", id++).put("caption", r);
            }
            results.addObject().put("image_id", c.imageId()).put("caption", c.caption());
        }
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("annotations.json"), JSON.writeValueAsString(annotations));
        AtomicFiles.writeString(dir.resolve("results.json"), JSON.writeValueAsString(results));
    }
}
