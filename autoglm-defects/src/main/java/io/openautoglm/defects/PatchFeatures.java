package io.openautoglm.defects;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.clip.ClipImageProcessor;
import java.util.ArrayList;
import java.util.List;

/**
 * What the frozen image tower sees in a picture: its image embedding (for zero-shot prompts and
 * the category), and one feature per patch (for the memory bank and the anomaly map); beside them
 * the picture's {@link PixelPatches} descriptors (for the pixel bank). With
 * {@code tiles > 1} the picture is also cut into tiles x tiles crops that go through the tower at its
 * own resolution, so a 128-pixel part is read at 8-pixel patches by a 64-pixel model; the patch
 * grid is then the tiles' grids side by side. Each patch feature is the L2-normalized mean of its
 * 3x3 neighbourhood of tokens (PatchCore's local aggregation: a defect at a patch border still counts).
 */
public final class PatchFeatures {
    /**
     * @param embedding the picture's image embedding, L2-normalized (P)
     * @param patches one L2-normalized feature per patch, row-major over the grid (G*G rows of D)
     * @param grid patches per side
     * @param pixels one pixel-statistics descriptor per cell of {@link PixelPatches}'s grid (row-major)
     */
    public record Features(float[] embedding, float[][] patches, int grid, float[][] pixels) {}

    private final MultimodalModel model;
    private final ClipImageProcessor processor;
    private final int tiles;
    private final int[] layers; // which hidden states (0: the encoder's input) make a patch's feature
    private final int tileGrid; // patches per side of one forward
    private final int width; // D

    public PatchFeatures(MultimodalModel model, int tiles, int[] layers) {
        if (tiles < 1 || tiles > 4) {
            throw new IllegalArgumentException("tiles must be in 1..4, got " + tiles);
        }
        int depth = model.config().vision().layers();
        for (int l : layers) {
            if (l < 0 || l > depth + 1) {
                throw new io.openautoglm.core.UserInputException("patch layer " + l + " is outside 0.." + (depth + 1) + " of this model's image tower");
            }
        }
        if (layers.length == 0) {
            throw new io.openautoglm.core.UserInputException("at least one patch layer is needed");
        }
        this.layers = layers.clone();
        this.model = model;
        this.processor = model.imageProcessor();
        this.tiles = tiles;
        this.tileGrid = model.config().vision().imageSize() / model.config().vision().patchSize();
        this.width = model.config().vision().width();
    }

    public int grid() {
        return tileGrid * tiles;
    }

    /** Features of a batch of pictures: one tower call for their embeddings, one for the patch features of all their views. */
    public List<Features> of(List<RgbImage> images) {
        StopSignal.process().check(); // a safe point between batches
        int s = processor.config().imageSize();
        int per = 3 * s * s;
        int views = tiles * tiles; // per picture, row by row; the whole picture when tiles = 1
        float[] whole = new float[images.size() * per];
        float[] cut = new float[images.size() * views * per];
        int v = 0;
        float[][][] pixels = new float[images.size()][][];
        for (int i = 0; i < images.size(); i++) {
            RgbImage image = images.get(i);
            pixels[i] = PixelPatches.of(image); // on the picture as taken: the statistics remove lighting themselves
            System.arraycopy(processor.preprocess(image), 0, whole, i * per, per);
            RgbImage flat = FlatField.correct(image); // the patches compare surfaces, not lighting
            if (tiles == 1) {
                System.arraycopy(processor.preprocess(flat), 0, cut, i * per, per);
            } else {
                for (int ty = 0; ty < tiles; ty++) {
                    for (int tx = 0; tx < tiles; tx++) {
                        System.arraycopy(processor.preprocess(crop(flat, tx, ty)), 0, cut, v++ * per, per);
                    }
                }
            }
        }
        int count = images.size() * views;
        int n = tileGrid * tileGrid;
        int p = model.embeddingDim();
        float[] embeds;
        float[][] states = new float[layers.length][]; // per chosen layer (V, N, D)
        try (NDManager scope = model.manager().newSubManager()) {
            ParameterStore store = new ParameterStore(scope, false);
            NDArray x = scope.create(whole, new Shape(images.size(), 3, s, s)); // (B, 3, S, S)
            embeds = model.network().encodeImage(store, x, false).toFloatArray(); // (B, P)
            NDArray t = scope.create(cut, new Shape(count, 3, s, s)); // (V, 3, S, S)
            List<NDArray> hidden = model.network().imageHiddenStates(store, t); // layers + 1 of (V, N + 1, D)
            for (int l = 0; l < layers.length; l++) {
                states[l] = hidden.get(layers[l]).get(":, 1:, :").toFloatArray(); // (V, N, D)
            }
        }
        List<Features> out = new ArrayList<>();
        int g = grid();
        int dims = width * layers.length;
        for (int i = 0; i < images.size(); i++) {
            float[] embedding = new float[p];
            System.arraycopy(embeds, i * p, embedding, 0, p);
            normalize(embedding);
            float[][] raw = new float[g * g][];
            for (int view = 0; view < views; view++) {
                int tx = view % tiles;
                int ty = view / tiles;
                for (int k = 0; k < n; k++) {
                    float[] f = new float[dims];
                    for (int l = 0; l < layers.length; l++) { // each layer's token normalized, then side by side
                        float[] part = new float[width];
                        System.arraycopy(states[l], ((i * views + view) * n + k) * width, part, 0, width);
                        normalize(part);
                        System.arraycopy(part, 0, f, l * width, width);
                    }
                    int gx = tx * tileGrid + k % tileGrid;
                    int gy = ty * tileGrid + k / tileGrid;
                    raw[gy * g + gx] = f;
                }
            }
            out.add(new Features(embedding, aggregate(raw, g), g, pixels[i]));
        }
        return out;
    }

    /** The mean of each patch's 3x3 neighbourhood (clipped at the border), L2-normalized. */
    static float[][] aggregate(float[][] raw, int g) {
        int d = raw[0].length;
        float[][] out = new float[g * g][];
        for (int y = 0; y < g; y++) {
            for (int x = 0; x < g; x++) {
                float[] sum = new float[d];
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy < 0 || xx < 0 || yy >= g || xx >= g) {
                            continue;
                        }
                        float[] f = raw[yy * g + xx];
                        for (int j = 0; j < d; j++) {
                            sum[j] += f[j];
                        }
                    }
                }
                normalize(sum);
                out[y * g + x] = sum;
            }
        }
        return out;
    }

    /**
     * Tile (tx, ty) of a tiles x tiles cut (the last row and column take the remainder). A side shorter
     * than {@code tiles} pixels gives tiles of one pixel that overlap, never an empty one.
     */
    private RgbImage crop(RgbImage image, int tx, int ty) {
        int x0 = Math.min(image.width() * tx / tiles, image.width() - 1);
        int x1 = Math.max(image.width() * (tx + 1) / tiles, x0 + 1);
        int y0 = Math.min(image.height() * ty / tiles, image.height() - 1);
        int y1 = Math.max(image.height() * (ty + 1) / tiles, y0 + 1);
        int w = x1 - x0;
        int h = y1 - y0;
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(image.rgb(), ((y0 + y) * image.width() + x0) * 3, rgb, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, rgb);
    }

    static void normalize(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        float inv = (float) (1 / Math.max(1e-12, Math.sqrt(n)));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }
}
