package io.openautoglm.core.image.corrupt;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training-time augmentation with the corruptions: with probability {@code probability} a picture
 * gets one of {@code choices} (uniformly) at a severity drawn uniformly from 1 to
 * {@code maxSeverity}; otherwise it is returned unchanged. What is drawn comes from the caller's
 * stream, so a seeded loader stays reproducible.
 */
public record RandomCorruption(List<Corruption> choices, double probability, int maxSeverity) {

    public RandomCorruption {
        choices = List.copyOf(choices);
        if (!(probability >= 0 && probability <= 1)) {
            throw new UserInputException("corruption probability is " + probability + "; expected a value in [0, 1]");
        }
        Corruption.checkSeverity(maxSeverity);
        if (choices.isEmpty() && probability > 0) {
            throw new UserInputException("corruption probability is " + probability + " but no corruption is chosen; valid corruptions: "
                    + Corruption.names());
        }
    }

    /** Whether this ever changes a picture. */
    public boolean active() {
        return probability > 0 && !choices.isEmpty();
    }

    public RgbImage apply(RgbImage image, SplittableRandom random) {
        // Always three draws, so the stream's later use does not depend on whether this picture was corrupted.
        double roll = random.nextDouble();
        Corruption which = choices.isEmpty() ? null : choices.get(random.nextInt(choices.size()));
        int severity = 1 + random.nextInt(maxSeverity);
        if (which == null || roll >= probability) {
            return image;
        }
        return which.apply(image, severity, random.split());
    }
}
