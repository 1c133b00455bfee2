package io.openautoglm.core.image.corrupt;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Picture corruptions with five severities, after ImageNet-C (Hendrycks and Dietterich, 2019,
 * "Benchmarking Neural Network Robustness to Common Corruptions and Perturbations"), applied to a
 * decoded picture before any preprocessing. The severity tables are ImageNet-C's; its spatial
 * ones (blur widths, in pixels of a 224-pixel picture) are scaled by the picture's short side /
 * 224, so a 64-pixel picture is blurred as much, relative to its size, as ImageNet's are.
 * {@code occlusion} is ours: grey squares covering 10% to 50% of the picture.
 *
 * <p>Deterministic: the same picture, severity and random stream give the same pixels; use
 * {@link #apply(RgbImage, int, long, String)} to derive the stream from a seed and a name for the
 * picture. Noise, motion direction and squares do not depend on the severity, so one picture's
 * severities differ only in strength. The alpha channel, if any, is kept as it was.
 */
public enum Corruption {
    /** Additive Gaussian noise, standard deviation in units of the full range. */
    GAUSSIAN_NOISE("gaussian_noise", 0.08, 0.12, 0.18, 0.26, 0.38),
    /** Poisson noise; the parameter is the photon count at full brightness (fewer: noisier). */
    SHOT_NOISE("shot_noise", 60, 25, 12, 5, 3),
    /** Gaussian blur, standard deviation in 224-pixel pixels. */
    GAUSSIAN_BLUR("gaussian_blur", 1, 2, 3, 4, 6),
    /** Motion blur: radius (2r+1 copies), then one-sided Gaussian sigma, in 224-pixel pixels. */
    MOTION_BLUR("motion_blur", 10, 3, 15, 5, 15, 8, 15, 12, 20, 15),
    /** Share of the picture covered by grey squares. */
    OCCLUSION("occlusion", 0.10, 0.20, 0.30, 0.40, 0.50),
    /** Added to the HSV value channel. */
    BRIGHTNESS("brightness", 0.1, 0.2, 0.3, 0.4, 0.5),
    /** Factor on each sample's distance to its channel's mean. */
    CONTRAST("contrast", 0.4, 0.3, 0.2, 0.1, 0.05),
    /** JPEG quality (1-100). */
    JPEG("jpeg", 25, 18, 15, 10, 7),
    /** Share of each side kept before enlarging back. */
    PIXELATE("pixelate", 0.6, 0.5, 0.4, 0.3, 0.25);

    public static final int MIN_SEVERITY = 1;
    public static final int MAX_SEVERITY = 5;

    private final String id;
    private final double[] table; // 5 values, or 5 (radius, sigma) pairs

    Corruption(String id, double... table) {
        this.id = id;
        this.table = table;
    }

    /** The name used on the command line, in configs and in reports, e.g. {@code gaussian_noise}. */
    public String id() {
        return id;
    }

    /** The severity table's value(s) for {@code severity}: one number, or (radius, sigma) for motion blur. */
    public double[] parameters(int severity) {
        checkSeverity(severity);
        int per = table.length / MAX_SEVERITY;
        return Arrays.copyOfRange(table, (severity - 1) * per, severity * per);
    }

    /** This corruption at {@code severity} (1-5), drawing what is random from {@code random}. */
    public RgbImage apply(RgbImage image, int severity, SplittableRandom random) {
        double[] v = parameters(severity);
        if (this == JPEG) {
            return CodecCorruptions.jpeg(image, (int) v[0]);
        }
        FloatPicture p = FloatPicture.of(image);
        double scale = p.scaleTo224();
        FloatPicture out = switch (this) {
            case GAUSSIAN_NOISE -> NoiseCorruptions.gaussian(p, v[0], random);
            case SHOT_NOISE -> NoiseCorruptions.shot(p, v[0], random);
            case GAUSSIAN_BLUR -> BlurCorruptions.gaussian(p, v[0] * scale);
            case MOTION_BLUR -> BlurCorruptions.motion(p, v[0] * scale, v[1] * scale, random);
            case OCCLUSION -> Occlusion.patches(p, v[0], random);
            case BRIGHTNESS -> PhotometricCorruptions.brightness(p, v[0]);
            case CONTRAST -> PhotometricCorruptions.contrast(p, v[0]);
            case PIXELATE -> CodecCorruptions.pixelate(p, v[0]);
            case JPEG -> throw new AssertionError("handled above");
        };
        return out.toImage();
    }

    /**
     * As above with the random stream derived from {@code seed}, this corruption and
     * {@code pictureKey} (e.g. the picture's path as the manifest gives it): the same three give
     * the same pixels in any order, on any thread.
     */
    public RgbImage apply(RgbImage image, int severity, long seed, String pictureKey) {
        return apply(image, severity, new SplittableRandom(streamSeed(seed, pictureKey)));
    }

    long streamSeed(long seed, String pictureKey) {
        long h = 0xCBF29CE484222325L; // FNV-1a over the key's bytes
        for (byte b : pictureKey.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return mix(mix(seed, h), ordinal() + 1L);
    }

    /** SplitMix64's finalizer over two numbers. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Every corruption's name, in order: for messages and help. */
    public static String names() {
        return Arrays.stream(values()).map(Corruption::id).collect(Collectors.joining(", "));
    }

    /** The corruption called {@code name}; anything else is one line listing the valid names. */
    public static Corruption parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Corruption c : values()) {
            if (c.id.equals(wanted)) {
                return c;
            }
        }
        throw new UserInputException("unknown corruption '" + (name == null ? "" : name.trim()) + "'; valid corruptions: " + names());
    }

    /** Names to corruptions, in the order given, refusing repeats and unknown names. */
    public static List<Corruption> parseAll(List<String> names) {
        List<Corruption> out = new ArrayList<>();
        for (String n : names) {
            if (n.isBlank()) {
                continue;
            }
            Corruption c = parse(n);
            if (out.contains(c)) {
                throw new UserInputException("corruption '" + c.id + "' is given twice");
            }
            out.add(c);
        }
        if (out.isEmpty()) {
            throw new UserInputException("no corruption given; valid corruptions: " + names());
        }
        return List.copyOf(out);
    }

    /** {@code severity} if it is 1-5, else one line saying so. */
    public static int checkSeverity(int severity) {
        if (severity < MIN_SEVERITY || severity > MAX_SEVERITY) {
            throw new UserInputException("severity " + severity + " is out of range; valid severities: 1, 2, 3, 4, 5");
        }
        return severity;
    }

    /**
     * Severities from text: one ({@code 3}), a range ({@code 1-5}) or a list ({@code 1,3,5}), each 1-5,
     * returned sorted without repeats.
     */
    public static List<Integer> parseSeverities(String text) {
        String t = text == null ? "" : text.trim();
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : t.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-', 1);
            try {
                if (dash > 0) {
                    int from = checkSeverity(Integer.parseInt(p.substring(0, dash).trim()));
                    int to = checkSeverity(Integer.parseInt(p.substring(dash + 1).trim()));
                    if (from > to) {
                        throw new UserInputException("severity range '" + p + "' runs backwards; write it low-high, e.g. 1-5");
                    }
                    for (int s = from; s <= to; s++) {
                        out.add(s);
                    }
                } else {
                    out.add(checkSeverity(Integer.parseInt(p)));
                }
            } catch (NumberFormatException e) {
                throw new UserInputException("severities '" + t + "' are not numbers; write one (3), a range (1-5) or a list (1,3,5) of 1-5");
            }
        }
        if (out.isEmpty()) {
            throw new UserInputException("no severity given; write one (3), a range (1-5) or a list (1,3,5) of 1-5");
        }
        return List.copyOf(out);
    }
}
