package io.openautoglm.train.data.shapeworld;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import java.util.Arrays;
import java.util.List;

/**
 * What a ShapeWorld dataset is made of. Validated on construction: a bad value is one
 * {@link UserInputException} naming the option and the allowed range.
 *
 * @param size image side in pixels (32..512)
 * @param count number of images (at least 1)
 * @param seed everything random derives from (seed, image index) only
 * @param splits train, val and test fractions, non-negative, summing to 1
 * @param singleObjectFraction share of scenes with exactly one object (the zero-shot images)
 * @param maxObjects most objects in a scene (1..4); multi-object scenes have 2..maxObjects
 * @param rotation whether shapes are rotated (by at most {@link SceneSampler#MAX_ROTATION_DEGREES})
 * @param noise standard deviation of Gaussian pixel noise, in 0..255 units (0..64)
 * @param texture whether backgrounds get low-contrast stripes, checkers or gradients
 */
public record ShapeWorldConfig(int size, int count, long seed, List<Double> splits, double singleObjectFraction,
        int maxObjects, boolean rotation, double noise, boolean texture) {
    public static final int MAX_COUNT = 10_000_000;
    public static final List<Double> DEFAULT_SPLITS = List.of(0.8, 0.1, 0.1);
    public static final List<String> SPLIT_NAMES = List.of("train", "val", "test");

    public ShapeWorldConfig {
        if (size < 32 || size > 512) {
            throw new UserInputException("--size must be between 32 and 512 pixels, got " + size);
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new UserInputException("--count must be between 1 and " + MAX_COUNT + ", got " + count);
        }
        if (splits == null || splits.size() != 3) {
            throw new UserInputException("--splits needs three fractions (train,val,test), e.g. 0.8,0.1,0.1; got " + splits);
        }
        double sum = 0;
        for (Double f : splits) {
            if (f == null || !(f >= 0 && f <= 1)) {
                throw new UserInputException("--splits fractions must be between 0 and 1, got " + splits);
            }
            sum += f;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new UserInputException("--splits must sum to 1, got " + splits + " (sum " + sum + ")");
        }
        splits = List.copyOf(splits);
        if (!(singleObjectFraction >= 0 && singleObjectFraction <= 1)) {
            throw new UserInputException("--single-object-fraction must be between 0 and 1, got " + singleObjectFraction);
        }
        if (maxObjects < 1 || maxObjects > SceneSampler.MAX_OBJECTS) {
            throw new UserInputException("--max-objects must be between 1 and " + SceneSampler.MAX_OBJECTS + ", got " + maxObjects);
        }
        if (!(noise >= 0 && noise <= 64)) {
            throw new UserInputException("--noise must be between 0 and 64 (standard deviation in 0..255 units), got " + noise);
        }
    }

    /** The defaults of {@code autoglm data shapeworld} for a given count and seed. */
    public static ShapeWorldConfig defaults(int count, long seed) {
        return new ShapeWorldConfig(64, count, seed, DEFAULT_SPLITS, 0.3, 4, true, 6.0, true);
    }

    public ShapeWorldConfig withSize(int newSize) {
        return new ShapeWorldConfig(newSize, count, seed, splits, singleObjectFraction, maxObjects, rotation, noise, texture);
    }

    public ShapeWorldConfig withCount(int newCount) {
        return new ShapeWorldConfig(size, newCount, seed, splits, singleObjectFraction, maxObjects, rotation, noise, texture);
    }

    public ShapeWorldConfig withSeed(long newSeed) {
        return new ShapeWorldConfig(size, count, newSeed, splits, singleObjectFraction, maxObjects, rotation, noise, texture);
    }

    /** Parses "0.8,0.1,0.1"; a malformed list is one user error. */
    public static List<Double> parseSplits(String text) {
        try {
            List<Double> out = Arrays.stream(text.split(",", -1)).map(String::strip).map(Double::valueOf).toList();
            if (out.size() != 3) {
                throw new UserInputException("--splits needs three fractions (train,val,test), e.g. 0.8,0.1,0.1; got \"" + text + "\"");
            }
            return out;
        } catch (NumberFormatException e) {
            throw new UserInputException("--splits needs three numbers like 0.8,0.1,0.1; got \"" + text + "\"");
        }
    }

    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        o.put("size", size);
        o.put("count", count);
        o.put("seed", seed);
        ObjectNode s = o.putObject("splits");
        for (int i = 0; i < 3; i++) {
            s.put(SPLIT_NAMES.get(i), splits.get(i));
        }
        o.put("single_object_fraction", singleObjectFraction);
        o.put("max_objects", maxObjects);
        o.put("rotation", rotation);
        o.put("noise", noise);
        o.put("texture", texture);
        return o;
    }
}
