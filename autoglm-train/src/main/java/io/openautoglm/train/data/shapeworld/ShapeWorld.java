package io.openautoglm.train.data.shapeworld;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * ShapeWorld: synthetic, fully labelled scenes of coloured shapes with captions, questions and
 * hard negatives. This class holds what the generator and the trainer share: the vocabulary, the
 * word splitting rule, and how one image's randomness derives from (seed, index).
 */
public final class ShapeWorld {
    /** Bumped whenever the same (config, seed) would give different pictures or text. */
    public static final String VERSION = "shapeworld-3";

    private static final List<String> PUNCTUATION = List.of(",", "?");
    /** Every fixed word of the caption and question templates. */
    private static final List<String> TEMPLATE_WORDS = List.of(
            "a", "an", "the", "and", "is", "are", "there", "of", "picture", "image", "object", "objects",
            "what", "color", "shape", "how", "many", "yes", "no", "left", "right", "above", "below", "where", "relative", "to");

    private ShapeWorld() {}

    /**
     * Every word any template can produce, lowercased, punctuation as separate tokens, in a fixed
     * order (punctuation, template words, numbers, digits, sizes, colours, shapes, plurals).
     */
    public static List<String> vocabulary() {
        Set<String> v = new LinkedHashSet<>(PUNCTUATION);
        v.addAll(TEMPLATE_WORDS);
        v.addAll(Arrays.asList(Phrases.NUMBER_WORDS));
        for (int d = 0; d <= SceneSampler.MAX_OBJECTS; d++) {
            v.add(Integer.toString(d));
        }
        Arrays.stream(ObjectSize.values()).map(ObjectSize::word).forEach(v::add);
        Arrays.stream(ShapeColor.values()).map(ShapeColor::word).forEach(v::add);
        Arrays.stream(Shape.values()).map(Shape::word).forEach(v::add);
        Arrays.stream(Shape.values()).map(Shape::plural).forEach(v::add);
        return List.copyOf(v);
    }

    /** Splits text the way {@link #vocabulary()} counts words: lowercase, "," and "?" apart. */
    public static List<String> words(String text) {
        String spaced = text.toLowerCase(Locale.ROOT).replace(",", " , ").replace("?", " ? ");
        List<String> out = new ArrayList<>();
        for (String w : spaced.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** The generator that draws image {@code index}'s scene, text and noise: a function of (seed, index) only. */
    public static RandomGenerator imageRandom(long seed, long index) {
        return new SplittableRandom(mix(mix(seed) + index * 0x9E3779B97F4A7C15L));
    }

    /**
     * A second stream for image {@code index}'s annotations added after version 1 (the replace_*
     * hard negatives): drawing them from {@link #imageRandom} would shift the noise drawn after the
     * captions, and so change version 1's pictures.
     */
    public static RandomGenerator extraAnnotationRandom(long seed, long index) {
        return new SplittableRandom(mix(mix(seed ^ 0xA2B7C3D4E5F60718L) + index * 0x94D049BB133111EBL));
    }

    /**
     * A third stream for image {@code index}'s spatial questions (added in generator version 3), so
     * that they change none of the pictures and annotations version 2 wrote.
     */
    public static RandomGenerator spatialQuestionRandom(long seed, long index) {
        return new SplittableRandom(mix(mix(seed ^ 0x3C6EF372FE94F82BL) + index * 0xD6E8FEB86659FD93L));
    }

    /**
     * The split of image {@code index}: its own stream, so changing captions or rendering never
     * moves an image to another split.
     */
    public static int splitOf(long seed, long index, List<Double> fractions) {
        double u = new SplittableRandom(mix(mix(seed ^ 0x5EED5B117L) + index * 0xBF58476D1CE4E5B9L)).nextDouble();
        double acc = 0;
        for (int s = 0; s < fractions.size() - 1; s++) {
            acc += fractions.get(s);
            if (u < acc) {
                return s;
            }
        }
        return fractions.size() - 1;
    }

    /** SplitMix64's finaliser: neighbouring inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
