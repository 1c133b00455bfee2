package io.openautoglm.train.data.shapeworld;

import io.openautoglm.train.data.shapeworld.Annotations.QaPair;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Question/answer pairs for the fusion model. A question is asked only when its answer is
 * unambiguous; yes/no questions come in pairs (one yes, one no) so that "yes" is never a free win.
 * Counts are answered with digits ("2").
 */
final class QuestionWriter {
    List<QaPair> write(Scene scene, RandomGenerator random) {
        List<QaPair> qa = new ArrayList<>();
        List<SceneObject> objs = scene.objects();
        List<SceneObject> uniqueShape = objs.stream().filter(o -> scene.matching(null, null, o.shape()).size() == 1).toList();
        if (!uniqueShape.isEmpty()) {
            SceneObject o = uniqueShape.get(random.nextInt(uniqueShape.size()));
            qa.add(new QaPair("what color is the " + o.shape().word() + "?", o.color().word(), "color"));
        }
        List<SceneObject> uniqueColor = objs.stream().filter(o -> scene.matching(null, o.color(), null).size() == 1).toList();
        if (!uniqueColor.isEmpty()) {
            SceneObject o = uniqueColor.get(random.nextInt(uniqueColor.size()));
            qa.add(new QaPair("what shape is the " + o.color().word() + " object?", o.shape().word(), "shape"));
        }
        // Half the time a shape that is there, half the time any shape (so "0" occurs too).
        Shape counted = random.nextBoolean() ? objs.get(random.nextInt(objs.size())).shape()
                : Shape.values()[random.nextInt(Shape.values().length)];
        qa.add(new QaPair("how many " + counted.plural() + " are there?",
                Integer.toString(scene.matching(null, null, counted).size()), "count"));
        qa.add(new QaPair("how many objects are there?", Integer.toString(objs.size()), "count"));

        List<QaPair> yesNo = new ArrayList<>();
        SceneObject present = objs.get(random.nextInt(objs.size()));
        yesNo.add(new QaPair("is there " + Phrases.withArticle(present.words(false)) + "?", "yes", "exist"));
        String absent = absentCombination(scene, random);
        yesNo.add(new QaPair("is there " + Phrases.withArticle(absent) + "?", "no", "exist"));
        List<SceneObject> named = objs.stream().filter(o -> Phrases.referent(scene, o) != null).toList();
        if (named.size() >= 2) {
            int i = random.nextInt(named.size());
            int j = (i + 1 + random.nextInt(named.size() - 1)) % named.size();
            SceneObject a = named.get(i);
            SceneObject b = named.get(j);
            Relation rel = Relation.dominant(a, b);
            String ra = Phrases.referent(scene, a);
            String rb = Phrases.referent(scene, b);
            yesNo.add(new QaPair("is the " + ra + " " + rel.words() + " the " + rb + "?", "yes", "relation"));
            yesNo.add(new QaPair("is the " + ra + " " + rel.opposite().words() + " the " + rb + "?", "no", "relation"));
        }
        // Shuffle within the yes/no block so the answer is not given away by position.
        for (int k = yesNo.size() - 1; k > 0; k--) {
            int m = random.nextInt(k + 1);
            QaPair t = yesNo.get(k);
            yesNo.set(k, yesNo.get(m));
            yesNo.set(m, t);
        }
        qa.addAll(yesNo);
        return List.copyOf(qa);
    }

    /**
     * Up to {@code max} "where is the A relative to the B?" questions about distinct ordered pairs of
     * nameable objects, answered with the dominant direction ("left", "right", "above", "below").
     * Unlike the yes/no relation questions, whose answer flips with the relation word asked, these
     * answers follow the layout alone: a direct training signal for reading positions (they are kept
     * under their own manifest key, so evaluation on {@code "qa"} is unchanged).
     */
    List<QaPair> writeSpatial(Scene scene, RandomGenerator random, int max) {
        List<SceneObject> named = scene.objects().stream().filter(o -> Phrases.referent(scene, o) != null).toList();
        List<SceneObject[]> pairs = new ArrayList<>();
        for (SceneObject a : named) {
            for (SceneObject b : named) {
                if (a != b) {
                    pairs.add(new SceneObject[] {a, b});
                }
            }
        }
        List<QaPair> qa = new ArrayList<>();
        while (qa.size() < max && !pairs.isEmpty()) {
            SceneObject[] p = pairs.remove(random.nextInt(pairs.size()));
            qa.add(new QaPair("where is the " + Phrases.referent(scene, p[0]) + " relative to the " + Phrases.referent(scene, p[1]) + "?",
                    Relation.dominant(p[0], p[1]).direction(), "position"));
        }
        return List.copyOf(qa);
    }

    /**
     * A "color shape" not in the scene, preferably one that mixes a colour and a shape that are
     * both present on different objects (the binding question a bag-of-words model gets wrong).
     */
    private static String absentCombination(Scene scene, RandomGenerator random) {
        List<String> binding = new ArrayList<>();
        for (SceneObject a : scene.objects()) {
            for (SceneObject b : scene.objects()) {
                if (scene.matching(null, a.color(), b.shape()).isEmpty()) {
                    binding.add(a.color().word() + " " + b.shape().word());
                }
            }
        }
        if (!binding.isEmpty() && random.nextBoolean()) {
            return binding.get(random.nextInt(binding.size()));
        }
        while (true) {
            ShapeColor c = ShapeColor.values()[random.nextInt(ShapeColor.values().length)];
            Shape s = Shape.values()[random.nextInt(Shape.values().length)];
            if (scene.matching(null, c, s).isEmpty()) {
                return c.word() + " " + s.word();
            }
        }
    }
}
