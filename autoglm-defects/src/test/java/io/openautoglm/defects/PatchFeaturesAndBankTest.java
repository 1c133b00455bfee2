package io.openautoglm.defects;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tower's patch features on pictures of any size, and the bank's blocked nearest-neighbour search against brute force. */
class PatchFeaturesAndBankTest {
    static final Path BUNDLED = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize();

    @Test
    void picturesSmallerThanTheTilesStillGiveEveryPatch() {
        try (MultimodalModel model = MultimodalModel.load(BUNDLED)) {
            PatchFeatures features = new PatchFeatures(model, 2, new int[] {0, 2});
            List<RgbImage> pictures = List.of(picture(1, 1), picture(3, 1), picture(1, 5), picture(64, 64));
            List<PatchFeatures.Features> out = features.of(pictures); // a 1-px side once cut a 0-px tile
            assertThat(out).hasSize(pictures.size());
            for (PatchFeatures.Features f : out) {
                assertThat(f.patches().length).isEqualTo(features.grid() * features.grid());
                assertThat(List.of(f.patches())).doesNotContainNull();
                assertThat(f.pixels().length).isEqualTo(PixelPatches.grid() * PixelPatches.grid());
            }
        }
    }

    @Test
    void blockedSearchMatchesBruteForceAcrossBlockBoundaries() {
        SplittableRandom random = new SplittableRandom(3);
        float[][] bank = rows(random, 300, 28);
        float[][] queries = rows(random, 600, 28); // more than two blocks of 256
        try (NDManager nd = NDManager.newBaseManager(); MemoryBank b = new MemoryBank(nd, bank)) {
            float[] fast = b.distances(queries);
            for (int i = 0; i < queries.length; i++) {
                double best = Double.POSITIVE_INFINITY;
                for (float[] row : bank) {
                    double d2 = 0;
                    for (int j = 0; j < row.length; j++) {
                        d2 += (queries[i][j] - row[j]) * (queries[i][j] - row[j]);
                    }
                    best = Math.min(best, d2);
                }
                assertThat((double) fast[i]).as("query " + i).isCloseTo(Math.sqrt(best), org.assertj.core.data.Offset.offset(1e-3));
            }
        }
    }

    private static float[][] rows(SplittableRandom random, int n, int d) {
        float[][] out = new float[n][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return out;
    }

    private static RgbImage picture(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (40 + i % 150);
        }
        return new RgbImage(w, h, rgb);
    }
}
