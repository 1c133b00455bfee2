package io.openautoglm.eval;

import io.openautoglm.core.io.Progress;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.FilipScorer;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.image.RgbImage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds manifest images and texts batch by batch with progress. An image that cannot be read is
 * an error naming the manifest line: evaluation never drops data silently, because a score over
 * fewer samples than the user thinks is worse than no score.
 */
final class BatchEmbedder {
    private final MultimodalModel model;
    private final EmbedOptions options;
    private final PrintWriter progress;
    private final PictureTransform transform;

    BatchEmbedder(MultimodalModel model, PrintWriter progress) {
        this(model, progress, PictureTransform.NONE);
    }

    /** @param transform applied to each decoded picture before the model's preprocessing */
    BatchEmbedder(MultimodalModel model, PrintWriter progress, PictureTransform transform) {
        this(model, progress, transform, EmbedOptions.defaults());
    }

    /** @param options how texts are embedded (windows for long ones, or cut: {@link EmbedOptions#truncate()}) */
    BatchEmbedder(MultimodalModel model, PrintWriter progress, PictureTransform transform, EmbedOptions options) {
        this.options = options;
        this.model = model;
        this.progress = progress;
        this.transform = transform;
    }

    /** One embedding (L2-normalized) per record's image, in order. */
    float[][] images(Manifest manifest, List<ManifestRecord> records) {
        float[][] out = new float[records.size()][];
        Progress p = Progress.start(progress, "embedding images", records.size());
        for (int start = 0; start < records.size(); start += options.batchSize()) {
            List<RgbImage> batch = load(manifest, records.subList(start, Math.min(records.size(), start + options.batchSize())));
            float[][] part = model.embedImages(batch, options);
            System.arraycopy(part, 0, out, start, part.length);
            p.advance(part.length);
        }
        p.finish();
        return out;
    }

    /** FILIP's unit-length patch embeddings of each record's image, in order (B, N, P). */
    FilipScorer.Pictures patches(Manifest manifest, List<ManifestRecord> records, FilipScorer scorer) {
        int n = model.config().vision().numPatches();
        int dim = model.config().projectionDim();
        float[] out = new float[records.size() * n * dim];
        Progress p = Progress.start(progress, "embedding image patches", records.size());
        for (int start = 0; start < records.size(); start += options.batchSize()) {
            List<ManifestRecord> slice = records.subList(start, Math.min(records.size(), start + options.batchSize()));
            FilipScorer.Pictures part = scorer.embedPictures(load(manifest, slice), options.batchSize());
            System.arraycopy(part.patches(), 0, out, start * n * dim, part.patches().length);
            p.advance(slice.size());
        }
        p.finish();
        return new FilipScorer.Pictures(out, records.size(), n, dim);
    }

    /** Decodes the records' pictures (an unreadable one is an error naming its manifest line) and transforms them. */
    private List<RgbImage> load(Manifest manifest, List<ManifestRecord> records) {
        List<RgbImage> batch = new ArrayList<>();
        for (ManifestRecord r : records) {
            RgbImage picture;
            try {
                picture = model.imageLoader().load(r.image());
            } catch (UserInputException e) {
                throw new UserInputException(manifest.file() + ":" + r.lineNumber() + ": " + e.getMessage(), e);
            }
            batch.add(transform.apply(r, picture));
        }
        return batch;
    }

    /** One embedding (L2-normalized) per text, in order. */
    float[][] texts(List<String> texts, String what) {
        float[][] out = new float[texts.size()][];
        Progress p = Progress.start(progress, what, texts.size());
        for (int start = 0; start < texts.size(); start += options.batchSize()) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + options.batchSize()));
            float[][] part = model.embedTexts(batch, options);
            System.arraycopy(part, 0, out, start, part.length);
            p.advance(part.length);
        }
        p.finish();
        return out;
    }
}
