package io.openautoglm.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.model.clip.FilipSimilarity;
import io.openautoglm.core.model.clip.TextWindows;
import io.openautoglm.core.model.clip.TokenColumns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores pictures against texts with FILIP's token-wise similarity ({@link FilipSimilarity}):
 * unit-length patch embeddings of each picture and token embeddings of each text, compared all
 * against all. Nothing is stored in an index: the patch embeddings are recomputed from the
 * pictures (one image-tower forward per picture, as for its pooled embedding) and kept in memory
 * for as long as the caller holds {@link Pictures}. A text longer than the context is cut, or read
 * in windows whose tokens are concatenated ({@link #embedTexts(List, EmbedOptions)}). Needs the model's DJL towers: an ONNX folder has no
 * per-patch outputs. Thread-safe: each call owns its native memory in a sub-manager.
 */
public final class FilipScorer {
    /** Cells of the (pictures, patches, texts, tokens) cosine block one scoring pass holds at most. */
    private static final long BLOCK_CELLS = 8L << 20;

    private final MultimodalModel model;
    private final ClipModel network;

    /** A scorer for {@code model}; one clear line when its towers run outside DJL. */
    public FilipScorer(MultimodalModel model) {
        if (!model.runsOnDjl()) {
            throw new UserInputException("FILIP scoring needs per-patch and per-token embeddings, which model " + model.name()
                    + " (" + model.runtime().name() + ") does not give: use the DJL model folder it was exported from");
        }
        this.model = model;
        this.network = model.network();
    }

    /** Whether the model was trained with FILIP's similarity ({@code similarity: filip} in its config.json). */
    public static boolean trainedFor(MultimodalModel model) {
        return ClipConfig.FILIP.equals(model.config().similarity());
    }

    /** Unit-length patch embeddings (B, N, P), row-major. */
    public record Pictures(float[] patches, int count, int patchCount, int dim) {}

    /** Unit-length token embeddings (T, L, P) and which positions take part (T, L), row-major. */
    public record Texts(float[] tokens, float[] mask, int count, int length, int dim) {}

    /** Both directions: {@code imageToText[b][t]} and {@code textToImage[t][b]}, each in [-1, 1]. */
    public record Scores(float[][] imageToText, float[][] textToImage) {}

    public Pictures embedPictureFiles(List<Path> files, int batchSize) {
        List<RgbImage> images = new ArrayList<>();
        for (Path f : files) {
            images.add(model.imageLoader().load(f));
        }
        return embedPictures(images, batchSize);
    }

    public Pictures embedPictures(List<RgbImage> images, int batchSize) {
        int s = model.preprocessor().imageSize();
        int per = 3 * s * s;
        int n = network.config().vision().numPatches();
        int p = network.config().projectionDim();
        float[] out = new float[images.size() * n * p];
        for (int start = 0; start < images.size(); start += batchSize) {
            int b = Math.min(batchSize, images.size() - start);
            float[] pixels = new float[b * per];
            for (int i = 0; i < b; i++) {
                System.arraycopy(model.imageProcessor().preprocess(images.get(start + i)), 0, pixels, i * per, per);
            }
            StopSignal.process().check(); // a safe point between batches, as the pooled embedding calls
            try (NDManager scope = model.manager().newSubManager()) {
                ParameterStore store = new ParameterStore(scope, false);
                NDArray x = scope.create(pixels, new Shape(b, 3, s, s)); // (B, 3, S, S)
                NDArray patches = network.projectPatches(store, network.imageTokens(store, x, false), false); // (B, N, P)
                float[] part = ClipModel.l2Normalize(patches).toFloatArray(); // (B, N, P)
                System.arraycopy(part, 0, out, start * n * p, part.length);
            }
        }
        return new Pictures(out, images.size(), n, p);
    }

    /** Texts cut to the context, through the text tower {@code batchSize} at a time, every token projected and normalized. */
    public Texts embedTexts(List<String> texts, int batchSize) {
        int t = model.tokenizer().contextLength();
        int count = texts.size();
        long[] ids = model.tokenizer().encodeBatch(texts); // (T, C)
        int used = Math.max(1, TokenColumns.usedLength(ids, count, t, network.config().text().eosId())); // the causal tower ignores the columns after it
        long[] cut = TokenColumns.firstColumns(ids, count, t, used); // (T, L)
        Rows rows = towerRows(cut, count, used, batchSize);
        return new Texts(rows.tokens(), rows.mask(), count, used, network.config().projectionDim());
    }

    /**
     * Texts through the text tower as {@code options} says: cut to the context with
     * {@link EmbedOptions#truncate()}; otherwise a text longer than the context is read in
     * {@link TextWindows} and its token embeddings are the windows' concatenated, each word once
     * (from the first window that reads it) and one end token (the last window's), so FILIP's mean
     * over a text's words counts no word twice. A text that fits is exactly what the cutting call gives.
     */
    public Texts embedTexts(List<String> texts, EmbedOptions options) {
        int t = model.tokenizer().contextLength();
        List<long[]> full = new ArrayList<>();
        boolean anyLong = false;
        for (int i = 0; i < texts.size(); i++) {
            long[] raw = model.tokenizer().encodeFull(texts.get(i));
            if (!options.truncate() && raw.length > t) {
                TextWindows.checkLimit(i, raw.length, t, options.maxWindows());
                anyLong = true;
            }
            full.add(raw);
        }
        if (!anyLong) {
            return embedTexts(texts, options.batchSize());
        }
        ClipConfig.TextConfig text = network.config().text();
        List<long[]> windowRows = new ArrayList<>(); // each (t)
        List<float[]> keep = new ArrayList<>(); // per row (t): 1 where its token stands for the text, null for the tower's own mask
        int[] rowCount = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            long[] raw = full.get(i);
            if (raw.length <= t) {
                windowRows.add(model.tokenizer().cut(raw));
                keep.add(null);
                rowCount[i] = 1;
                continue;
            }
            List<long[]> windows = TextWindows.split(raw, t, text.padId());
            int words = raw.length - 2;
            int c = t - 2;
            int covered = 0; // words [0, covered) already read by an earlier window
            for (int w = 0; w < windows.size(); w++) {
                int from = w == windows.size() - 1 ? words - c : w * TextWindows.stride(t); // as TextWindows.split
                float[] mask = new float[t];
                for (int k = 0; k < c; k++) {
                    mask[1 + k] = from + k >= covered ? 1f : 0f;
                }
                mask[t - 1] = w == windows.size() - 1 ? 1f : 0f; // one end token per text
                covered = from + c;
                windowRows.add(windows.get(w));
                keep.add(mask);
            }
            rowCount[i] = windows.size();
        }
        long[] ids = new long[windowRows.size() * t]; // (R, t)
        for (int r = 0; r < windowRows.size(); r++) {
            System.arraycopy(windowRows.get(r), 0, ids, r * t, t);
        }
        Rows rows = towerRows(ids, windowRows.size(), t, options.batchSize()); // (R, t, P), (R, t)
        int p = network.config().projectionDim();
        int length = java.util.Arrays.stream(rowCount).max().orElse(1) * t; // the longest text's windows, end to end
        float[] tokensOut = new float[texts.size() * length * p]; // (T, L, P), zero-padded
        float[] maskOut = new float[texts.size() * length]; // (T, L)
        int row = 0;
        for (int i = 0; i < texts.size(); i++) {
            for (int w = 0; w < rowCount[i]; w++, row++) {
                System.arraycopy(rows.tokens(), row * t * p, tokensOut, (i * length + w * t) * p, t * p);
                float[] mask = keep.get(row);
                for (int k = 0; k < t; k++) {
                    maskOut[i * length + w * t + k] = mask == null ? rows.mask()[row * t + k] : mask[k];
                }
            }
        }
        return new Texts(tokensOut, maskOut, texts.size(), length, p);
    }

    /** Unit token embeddings (R, L, P) and the tower's token mask (R, L) of id rows (R, L). */
    private record Rows(float[] tokens, float[] mask) {}

    private Rows towerRows(long[] ids, int count, int length, int batchSize) {
        ClipConfig.TextConfig text = network.config().text();
        int p = network.config().projectionDim();
        float[] tokensOut = new float[count * length * p];
        float[] maskOut = new float[count * length];
        for (int start = 0; start < count; start += batchSize) {
            int b = Math.min(batchSize, count - start);
            StopSignal.process().check();
            try (NDManager scope = model.manager().newSubManager()) {
                ParameterStore store = new ParameterStore(scope, false);
                long[] rows = java.util.Arrays.copyOfRange(ids, start * length, (start + b) * length);
                NDArray x = scope.create(rows, new Shape(b, length)); // (b, L)
                NDArray tokens = network.projectTokens(store, network.textTokens(store, x, false), false); // (b, L, P)
                float[] part = ClipModel.l2Normalize(tokens).toFloatArray(); // (b, L, P)
                System.arraycopy(part, 0, tokensOut, start * length * p, part.length);
                float[] mask = FilipSimilarity.tokenMask(x, text.bosId(), text.eosId()).toFloatArray(); // (b, L)
                System.arraycopy(mask, 0, maskOut, start * length, mask.length);
            }
        }
        return new Rows(tokensOut, maskOut);
    }

    /** Every picture against every text, in blocks of pictures so the cosine block stays bounded. */
    public Scores score(Pictures pictures, Texts texts) {
        int b = pictures.count();
        int t = texts.count();
        int n = pictures.patchCount();
        int p = pictures.dim();
        float[][] imageToText = new float[b][];
        float[][] textToImage = new float[t][b];
        long perPicture = (long) n * t * texts.length();
        int block = (int) Math.max(1, Math.min(b, BLOCK_CELLS / Math.max(1, perPicture)));
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray tokens = scope.create(texts.tokens(), new Shape(t, texts.length(), p)); // (T, L, P)
            NDArray mask = scope.create(texts.mask(), new Shape(t, texts.length())); // (T, L)
            for (int start = 0; start < b; start += block) {
                int rows = Math.min(block, b - start);
                try (NDManager part = scope.newSubManager()) {
                    float[] slice = java.util.Arrays.copyOfRange(pictures.patches(), start * n * p, (start + rows) * n * p);
                    NDArray patches = part.create(slice, new Shape(rows, n, p)); // (R, N, P)
                    NDList both = FilipSimilarity.similarities(patches, tokens, mask);
                    float[][] forward = Vectors.toRows(both.get(0).toFloatArray(), rows); // R rows of T
                    float[][] backward = Vectors.toRows(both.get(1).toFloatArray(), t); // T rows of R
                    System.arraycopy(forward, 0, imageToText, start, rows);
                    for (int j = 0; j < t; j++) {
                        System.arraycopy(backward[j], 0, textToImage[j], start, rows);
                    }
                }
            }
        }
        return new Scores(imageToText, textToImage);
    }
}
