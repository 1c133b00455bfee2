package io.openautoglm.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.model.clip.ClipImageProcessor;
import io.openautoglm.train.data.shapeworld.ObjectSize;
import io.openautoglm.train.data.shapeworld.Shape;
import io.openautoglm.train.data.shapeworld.ShapeColor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which words of a text name which object of the picture, for the grounding loss. A record's
 * {@code "scene"} (as ShapeWorld writes it: {@code width}, {@code height} and {@code objects}, each
 * with {@code shape}, {@code color}, {@code size}, a centre {@code x}, {@code y} and a {@code radius} in
 * pixels) lists the objects; a phrase "[size] [colour] shape" or "[size] [colour] object" names an
 * object when exactly one object of the scene has every word of it. At the phrase's last word the
 * grounding loss asks the fusion encoder to look at that object. Plurals ("how many squares") and
 * phrases that fit no object or several name none.
 */
public final class ObjectGrounding {
    private ObjectGrounding() {}

    private static final Pattern WORD = Pattern.compile("[a-z]+");
    private static final Set<String> COLORS = Arrays.stream(ShapeColor.values()).map(ShapeColor::word).collect(Collectors.toSet());
    private static final Set<String> SIZES = Arrays.stream(ObjectSize.values()).map(ObjectSize::word).collect(Collectors.toSet());
    private static final Set<String> SHAPES = Arrays.stream(Shape.values()).map(Shape::word).collect(Collectors.toSet());
    private static final String ANY_SHAPE = "object";

    /**
     * One object of a picture.
     *
     * @param x centre, a fraction of the picture's width from the left edge
     * @param y centre, a fraction of the picture's height from the top edge
     * @param radius a fraction of the picture's width (0 when the scene does not say)
     */
    public record SceneObject(String size, String color, String shape, double x, double y, double radius) {}

    /**
     * A phrase that names one object.
     *
     * @param end the character offset just after the phrase's last word
     */
    public record Mention(int end, SceneObject object) {}

    /** The objects of a record's {@code "scene"}; empty when it has none. */
    public static List<SceneObject> objects(ManifestRecord record) {
        JsonNode scene = record.fields().get("scene");
        if (scene == null || !scene.isObject()) {
            return List.of();
        }
        double w = scene.path("width").asDouble(0);
        double h = scene.path("height").asDouble(0);
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("\"scene\" needs a positive \"width\" and \"height\" to ground its objects, got " + scene.path("width")
                    + " and " + scene.path("height"));
        }
        List<SceneObject> out = new ArrayList<>();
        for (JsonNode o : scene.path("objects")) {
            if (!o.path("x").isNumber() || !o.path("y").isNumber()) {
                throw new IllegalArgumentException("a \"scene\" object needs numbers \"x\" and \"y\", got " + o);
            }
            out.add(new SceneObject(o.path("size").asText(""), o.path("color").asText(""), o.path("shape").asText(""),
                    o.get("x").asDouble() / w, o.get("y").asDouble() / h, o.path("radius").asDouble(0) / w));
        }
        return List.copyOf(out);
    }

    /** The phrases of {@code text} that name exactly one of {@code objects}, in order. */
    public static List<Mention> mentions(String text, List<SceneObject> objects) {
        if (objects.isEmpty()) {
            return List.of();
        }
        List<int[]> words = new ArrayList<>(); // {start, end}
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(new int[] {m.start(), m.end()});
        }
        List<Mention> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String head = word(text, words.get(i));
            if (!SHAPES.contains(head) && !head.equals(ANY_SHAPE)) {
                continue;
            }
            String color = null;
            String size = null;
            int j = i - 1;
            if (j >= 0 && COLORS.contains(word(text, words.get(j)))) {
                color = word(text, words.get(j--));
            }
            if (j >= 0 && SIZES.contains(word(text, words.get(j)))) {
                size = word(text, words.get(j));
            }
            SceneObject named = null;
            int fits = 0;
            for (SceneObject o : objects) {
                if ((head.equals(ANY_SHAPE) || head.equals(o.shape())) && (color == null || color.equals(o.color()))
                        && (size == null || size.equals(o.size()))) {
                    named = o;
                    fits++;
                }
            }
            if (fits == 1) {
                out.add(new Mention(words.get(i)[1], named));
            }
        }
        return out;
    }

    private static String word(String text, int[] span) {
        return text.substring(span[0], span[1]);
    }

    /**
     * Where an object of the source picture lands in the model's input, as fractions of its side, after
     * an optional crop and the image processor's resize (and centre crop): {x, y, radius}; null when
     * its centre falls outside.
     */
    public static double[] toInput(double x, double y, double radius, int width, int height, RandomResizedCrop.Region crop,
            ClipImageProcessor processor) {
        double cx = crop == null ? 0 : crop.x();
        double cy = crop == null ? 0 : crop.y();
        ClipImageProcessor.Placement p = crop == null ? processor.placement(width, height)
                : processor.placement(crop.width(), crop.height());
        double s = processor.config().imageSize();
        double fx = ((x * width - cx) * p.scaleX() - p.offsetX()) / s;
        double fy = ((y * height - cy) * p.scaleY() - p.offsetY()) / s;
        double fr = radius * width * p.scaleX() / s;
        return fx < 0 || fx > 1 || fy < 0 || fy > 1 ? null : new double[] {fx, fy, fr};
    }
}
