package io.openautoglm.train.data.shapeworld;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads ShapeWorld captions and questions back into meaning and evaluates them against a scene,
 * written independently of the generator (its own relation rule, its own parsing), so that a
 * template that says something false is caught.
 */
final class SceneChecker {
    private static final String REL = "(left of|right of|above|below)";
    private static final Pattern RELATION_DEFINITE = Pattern.compile("the (.+) is " + REL + " the (.+)");
    private static final Pattern RELATION_INDEFINITE = Pattern.compile("an? (.+?) " + REL + " an? (.+)");
    private static final Pattern TOTAL = Pattern.compile("there (is|are) (\\w+) objects?");
    private static final List<String> NUMBERS = List.of("zero", "one", "two", "three", "four");
    private static final List<String> PREFIXES = List.of("a picture of ", "an image of ", "there is ");

    /** Attributes a phrase names; null where it says nothing. */
    record Spec(ObjectSize size, ShapeColor color, Shape shape) {
        boolean matches(SceneObject o) {
            return (size == null || o.size() == size) && (color == null || o.color() == color) && (shape == null || o.shape() == shape);
        }
    }

    private SceneChecker() {}

    /** Whether a caption is true of the scene; fails on a caption it cannot read. */
    static boolean holds(Scene scene, String caption) {
        Matcher m = RELATION_DEFINITE.matcher(caption);
        if (!m.matches()) {
            m = RELATION_INDEFINITE.matcher(caption);
        }
        if (m.matches()) {
            return relationHolds(scene, unique(scene, m.group(1)), m.group(2), unique(scene, m.group(3)));
        }
        Matcher t = TOTAL.matcher(caption);
        if (t.matches()) {
            return scene.objects().size() == number(t.group(2));
        }
        if (NUMBERS.contains(caption.split(" ")[0])) {
            return countsHold(scene, caption);
        }
        String body = caption;
        for (String p : PREFIXES) {
            if (body.startsWith(p)) {
                body = body.substring(p.length());
                break;
            }
        }
        List<Spec> specs = new ArrayList<>();
        for (String item : body.split(", | and ")) {
            String[] w = item.split(" ");
            String article = w[0];
            if (!article.equals("a") && !article.equals("an")) {
                throw new AssertionError("list item without article in \"" + caption + "\"");
            }
            if (article.equals("an") != "aeiou".contains(w[1].substring(0, 1))) {
                throw new AssertionError("wrong article in \"" + caption + "\"");
            }
            specs.add(spec(String.join(" ", Arrays.copyOfRange(w, 1, w.length))));
        }
        // Left to right: the k-th phrase names the k-th object by centre x.
        List<SceneObject> objs = scene.objects().stream()
                .sorted((a, b) -> a.x() != b.x() ? Double.compare(a.x(), b.x()) : Double.compare(a.y(), b.y())).toList();
        if (specs.size() != objs.size()) {
            return false;
        }
        for (int k = 0; k < specs.size(); k++) {
            if (!specs.get(k).matches(objs.get(k))) {
                return false;
            }
        }
        return true;
    }

    /** The answer a question should have, or fails when the question is ambiguous or unreadable. */
    static String answer(Scene scene, String question) {
        Matcher m;
        if ((m = Pattern.compile("what color is the (\\w+)\\?").matcher(question)).matches()) {
            return unique(scene, m.group(1)).color().word();
        }
        if ((m = Pattern.compile("what shape is the (\\w+) object\\?").matcher(question)).matches()) {
            return unique(scene, m.group(1) + " object").shape().word();
        }
        if ((m = Pattern.compile("how many (\\w+) are there\\?").matcher(question)).matches()) {
            String noun = m.group(1);
            if (noun.equals("objects")) {
                return Integer.toString(scene.objects().size());
            }
            Shape s = Arrays.stream(Shape.values()).filter(x -> x.plural().equals(noun)).findFirst().orElseThrow();
            return Long.toString(scene.objects().stream().filter(o -> o.shape() == s).count());
        }
        if ((m = Pattern.compile("is there an? (.+)\\?").matcher(question)).matches()) {
            Spec spec = spec(m.group(1));
            return scene.objects().stream().anyMatch(spec::matches) ? "yes" : "no";
        }
        if ((m = Pattern.compile("is the (.+) " + REL + " the (.+)\\?").matcher(question)).matches()) {
            return relationHolds(scene, unique(scene, m.group(1)), m.group(2), unique(scene, m.group(3))) ? "yes" : "no";
        }
        if ((m = Pattern.compile("where is the (.+) relative to the (.+)\\?").matcher(question)).matches()) {
            SceneObject a = unique(scene, m.group(1));
            SceneObject b = unique(scene, m.group(2));
            double dx = a.x() - b.x();
            double dy = a.y() - b.y();
            if (Math.abs(dx) >= Math.abs(dy)) {
                return dx < 0 ? "left" : "right";
            }
            return dy < 0 ? "above" : "below";
        }
        throw new AssertionError("cannot read question \"" + question + "\"");
    }

    private static boolean relationHolds(Scene scene, SceneObject a, String rel, SceneObject b) {
        double margin = 0.05 * scene.size();
        return switch (rel) {
            case "left of" -> a.x() + margin < b.x();
            case "right of" -> a.x() > b.x() + margin;
            case "above" -> a.y() + margin < b.y();
            case "below" -> a.y() > b.y() + margin;
            default -> throw new AssertionError(rel);
        };
    }

    /** "two circles and one square": every count right and no shape left out. */
    private static boolean countsHold(Scene scene, String caption) {
        int total = 0;
        for (String part : caption.split(", | and ")) {
            String[] w = part.split(" ");
            int n = number(w[0]);
            Shape s = Arrays.stream(Shape.values()).filter(x -> x.word().equals(w[1]) || x.plural().equals(w[1])).findFirst().orElseThrow();
            if ((n == 1) != w[1].equals(s.word())) {
                throw new AssertionError("singular/plural mismatch in \"" + caption + "\"");
            }
            if (scene.objects().stream().filter(o -> o.shape() == s).count() != n) {
                return false;
            }
            total += n;
        }
        return total == scene.objects().size();
    }

    private static SceneObject unique(Scene scene, String phrase) {
        Spec spec = spec(phrase);
        List<SceneObject> found = scene.objects().stream().filter(spec::matches).toList();
        if (found.size() != 1) {
            throw new AssertionError("\"" + phrase + "\" names " + found.size() + " objects in " + scene);
        }
        return found.get(0);
    }

    /** "large red circle", "red object", "small square", "circle". */
    static Spec spec(String phrase) {
        ObjectSize size = null;
        ShapeColor color = null;
        Shape shape = null;
        for (String w : phrase.split(" ")) {
            if (Arrays.stream(ObjectSize.values()).anyMatch(s -> s.word().equals(w))) {
                size = ObjectSize.fromWord(w);
            } else if (Arrays.stream(ShapeColor.values()).anyMatch(c -> c.word().equals(w))) {
                color = ShapeColor.fromWord(w);
            } else if (Arrays.stream(Shape.values()).anyMatch(s -> s.word().equals(w))) {
                shape = Shape.fromWord(w);
            } else if (!w.equals("object")) {
                throw new AssertionError("unknown word \"" + w + "\" in \"" + phrase + "\"");
            }
        }
        return new Spec(size, color, shape);
    }

    private static int number(String word) {
        int n = NUMBERS.indexOf(word);
        if (n < 0) {
            throw new AssertionError("not a number word: " + word);
        }
        return n;
    }
}
