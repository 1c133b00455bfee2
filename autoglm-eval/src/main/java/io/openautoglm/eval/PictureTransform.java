package io.openautoglm.eval;

import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.image.corrupt.Corruption;

/**
 * What the evaluators do to each decoded picture before the model's preprocessing: nothing for
 * the ordinary scores, a corruption for the robustness ones ({@link RobustnessEvaluator}).
 */
@FunctionalInterface
public interface PictureTransform {
    PictureTransform NONE = (record, picture) -> picture;

    /** @param record the manifest record the picture belongs to (its path names it for seeding) */
    RgbImage apply(ManifestRecord record, RgbImage picture);

    /**
     * {@code corruption} at {@code severity}, its randomness drawn from {@code seed} and the
     * picture's path as the manifest names it, so a run is the same wherever the folder lies.
     */
    static PictureTransform corrupt(Manifest manifest, Corruption corruption, int severity, long seed) {
        Corruption.checkSeverity(severity);
        return (record, picture) -> corruption.apply(picture, severity, seed, VqaEvaluator.relativeImage(manifest, record));
    }
}
