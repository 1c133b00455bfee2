package io.openautoglm.train.data.shapeworld;

import io.openautoglm.train.data.shapeworld.Annotations.Caption;
import io.openautoglm.train.data.shapeworld.Annotations.HardNegative;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Captions and hard negatives for a scene. Every list caption names the objects left to right
 * (the scene's canonical order), so word order carries position; a hard negative is kept only when
 * it is false for the scene even read as a bag of objects: either two objects swap an attribute
 * or relation argument (the same words, another binding) or one object's attribute is replaced.
 */
public final class CaptionWriter {
    static final List<String> PREFIXES = List.of("", "a picture of ", "an image of ", "there is ");
    static final int MAX_RELATION_CAPTIONS = 2;

    private final QuestionWriter questions = new QuestionWriter();

    /**
     * Captions, question/answer pairs and hard negatives. Draws from {@code random} exactly as
     * version 1 did (so the pictures rendered after it stay the same) and from {@code extra} for
     * what later versions added.
     */
    public Annotations write(Scene scene, RandomGenerator random, RandomGenerator extra) {
        List<Caption> captions = new ArrayList<>();
        List<SceneObject> objs = scene.objects();
        // The most specific caption first: retrieval is evaluated on it.
        String full = fullCaption(objs);
        captions.add(new Caption(full, "full"));
        String prefix = PREFIXES.get(random.nextInt(PREFIXES.size()));
        captions.add(new Caption(prefix + Phrases.list(objs.stream().map(o -> Phrases.withArticle(o.words(false))).toList()), "objects"));
        List<SceneObject[]> pairs = relationPairs(scene);
        List<String[]> relations = new ArrayList<>();
        for (int k = 0; k < MAX_RELATION_CAPTIONS && !pairs.isEmpty(); k++) {
            SceneObject[] pair = pairs.remove(random.nextInt(pairs.size()));
            String a = Phrases.referent(scene, pair[0]);
            String b = Phrases.referent(scene, pair[1]);
            Relation rel = Relation.dominant(pair[0], pair[1]);
            boolean definite = random.nextBoolean();
            captions.add(new Caption(relationCaption(a, rel, b, definite), "relation"));
            relations.add(new String[] {a, rel.words(), b, definite ? "1" : "0"});
        }
        captions.add(new Caption(countCaption(objs, random), "count"));
        captions.add(new Caption(Phrases.list(objs.stream().map(o -> Phrases.withArticle(o.color().word() + " object")).toList()), "attributes"));
        captions.add(new Caption(Phrases.list(objs.stream().map(o -> Phrases.withArticle(o.size().word() + " " + o.shape().word())).toList()), "attributes"));
        // Shape words alone, as short prompts ("a circle") say them.
        captions.add(new Caption(Phrases.list(objs.stream().map(o -> Phrases.withArticle(o.shape().word())).toList()), "shapes"));

        List<HardNegative> negatives = new ArrayList<>();
        addSwap(negatives, objs, full, "swap_color", random, (o, donor) -> new SceneObject(o.shape(), donor.color(), o.size(), o.x(), o.y(), o.radius(), o.rotation()));
        addSwap(negatives, objs, full, "swap_shape", random, (o, donor) -> new SceneObject(donor.shape(), o.color(), o.size(), o.x(), o.y(), o.radius(), o.rotation()));
        addSwap(negatives, objs, full, "swap_size", random, (o, donor) -> new SceneObject(o.shape(), o.color(), donor.size(), o.x(), o.y(), o.radius(), o.rotation()));
        // One attribute of one object replaced: contrasts that only one word separates.
        addReplacement(negatives, objs, full, "replace_shape", extra,
                (o, r) -> new SceneObject(other(Shape.values(), o.shape(), r), o.color(), o.size(), o.x(), o.y(), o.radius(), o.rotation()));
        addReplacement(negatives, objs, full, "replace_color", extra,
                (o, r) -> new SceneObject(o.shape(), other(ShapeColor.values(), o.color(), r), o.size(), o.x(), o.y(), o.radius(), o.rotation()));
        addReplacement(negatives, objs, full, "replace_size", extra,
                (o, r) -> new SceneObject(o.shape(), o.color(), other(ObjectSize.values(), o.size(), r), o.x(), o.y(), o.radius(), o.rotation()));
        for (String[] r : relations) {
            boolean definite = r[3].equals("1");
            // Same words, arguments swapped: true only for a model that ignores word order.
            negatives.add(new HardNegative(relationCaption(r[2], Relation.fromWords(r[1]), r[0], definite), "swap_relation",
                    relationCaption(r[0], Relation.fromWords(r[1]), r[2], definite)));
        }
        return new Annotations(List.copyOf(captions), questions.write(scene, random), List.copyOf(negatives));
    }

    static String fullCaption(List<SceneObject> objs) {
        return Phrases.list(objs.stream().map(o -> Phrases.withArticle(o.words(true))).toList());
    }

    static String relationCaption(String a, Relation rel, String b, boolean definite) {
        return definite ? "the " + a + " is " + rel.words() + " the " + b
                : Phrases.withArticle(a) + " " + rel.words() + " " + Phrases.withArticle(b);
    }

    /** Ordered pairs of objects that words can tell apart; the first is left of (or above) the second. */
    private static List<SceneObject[]> relationPairs(Scene scene) {
        List<SceneObject> named = scene.objects().stream().filter(o -> Phrases.referent(scene, o) != null).toList();
        List<SceneObject[]> pairs = new ArrayList<>();
        for (int i = 0; i < named.size(); i++) {
            for (int j = i + 1; j < named.size(); j++) {
                pairs.add(new SceneObject[] {named.get(i), named.get(j)});
            }
        }
        return pairs;
    }

    /** "two circles and one square" (most frequent first) or "three objects". */
    private static String countCaption(List<SceneObject> objs, RandomGenerator random) {
        if (random.nextBoolean()) {
            int n = objs.size();
            return (n == 1 ? "there is one object" : "there are " + Phrases.number(n) + " objects");
        }
        Map<Shape, Long> counts = objs.stream().collect(Collectors.groupingBy(SceneObject::shape, TreeMap::new, Collectors.counting()));
        List<String> parts = counts.entrySet().stream()
                .sorted(Map.Entry.<Shape, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .map(e -> Phrases.number(e.getValue().intValue()) + " " + (e.getValue() == 1 ? e.getKey().word() : e.getKey().plural()))
                .toList();
        return Phrases.list(parts);
    }

    /**
     * One hard negative that gives object i the attribute of object j and j that of i, chosen at
     * random among the swaps that make the scene description false.
     */
    private static void addSwap(List<HardNegative> out, List<SceneObject> objs, String full, String type,
            RandomGenerator random, BiFunction<SceneObject, SceneObject, SceneObject> take) {
        List<List<SceneObject>> candidates = new ArrayList<>();
        for (int i = 0; i < objs.size(); i++) {
            for (int j = i + 1; j < objs.size(); j++) {
                List<SceneObject> swapped = new ArrayList<>(objs);
                swapped.set(i, take.apply(objs.get(i), objs.get(j)));
                swapped.set(j, take.apply(objs.get(j), objs.get(i)));
                if (!bag(swapped).equals(bag(objs))) {
                    candidates.add(swapped);
                }
            }
        }
        if (!candidates.isEmpty()) {
            out.add(new HardNegative(fullCaption(candidates.get(random.nextInt(candidates.size()))), type, full));
        }
    }

    /** One hard negative with one object's attribute replaced by another value (always false: the bag changes). */
    private static void addReplacement(List<HardNegative> out, List<SceneObject> objs, String full, String type,
            RandomGenerator random, BiFunction<SceneObject, RandomGenerator, SceneObject> replace) {
        int i = random.nextInt(objs.size());
        List<SceneObject> changed = new ArrayList<>(objs);
        changed.set(i, replace.apply(objs.get(i), random));
        out.add(new HardNegative(fullCaption(changed), type, full));
    }

    /** A value drawn uniformly from {@code values} other than {@code current}. */
    private static <T> T other(T[] values, T current, RandomGenerator random) {
        T pick;
        do {
            pick = values[random.nextInt(values.length)];
        } while (pick == current);
        return pick;
    }

    /** The scene as a multiset of "size color shape", ignoring positions. */
    static Map<String, Long> bag(List<SceneObject> objs) {
        return objs.stream().collect(Collectors.groupingBy(o -> o.words(true), TreeMap::new, Collectors.counting()));
    }
}
