package io.openautoglm.train.data.shapeworld;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Draws a random scene: object count, attributes, non-overlapping positions inside the frame.
 * Every draw comes from the generator it is given, in a fixed order, so one seed is one scene.
 */
public final class SceneSampler {
    public static final int MAX_OBJECTS = 4;
    /** Small enough that a square never looks like a diamond (45 degrees) and a cross never like an x. */
    public static final double MAX_ROTATION_DEGREES = 20;
    private static final int PLACEMENT_TRIES = 200;
    private static final int SCENE_TRIES = 100;

    private final ShapeWorldConfig config;

    public SceneSampler(ShapeWorldConfig config) {
        this.config = config;
    }

    public Scene sample(RandomGenerator random) {
        int n = objectCount(random);
        Background background = pick(random, Background.values());
        Background.Texture texture = config.texture() ? pick(random, Background.Texture.values()) : Background.Texture.NONE;
        // Rejection sampling: place objects one by one; if one finds no free spot, draw the whole
        // set again. Four large objects do fit (about 0.4 of the side apart) but rarely at random,
        // so after many failures we fall back to small objects rather than loop forever.
        for (int attempt = 0; attempt < SCENE_TRIES; attempt++) {
            List<SceneObject> placed = tryPlace(random, n, attempt == SCENE_TRIES - 1);
            if (placed != null) {
                return new Scene(config.size(), background, texture, placed);
            }
        }
        throw new IllegalStateException("could not place " + n + " small objects in a " + config.size() + " px image");
    }

    private int objectCount(RandomGenerator random) {
        if (config.maxObjects() == 1 || random.nextDouble() < config.singleObjectFraction()) {
            return 1;
        }
        return 2 + random.nextInt(config.maxObjects() - 1);
    }

    private List<SceneObject> tryPlace(RandomGenerator random, int n, boolean allSmall) {
        int side = config.size();
        double gap = Math.max(1.0, 0.02 * side);
        List<SceneObject> placed = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Shape shape = pick(random, Shape.values());
            ShapeColor color = pick(random, ShapeColor.values());
            ObjectSize size = allSmall ? ObjectSize.SMALL : pick(random, ObjectSize.values());
            double r = size.radius(side);
            double rotation = config.rotation() && shape != Shape.CIRCLE
                    ? round1((random.nextDouble() * 2 - 1) * MAX_ROTATION_DEGREES) : 0;
            SceneObject found = null;
            for (int t = 0; t < PLACEMENT_TRIES && found == null; t++) {
                // Centres on a 0.1 px grid so the scene graph holds exactly what was drawn.
                double x = round1(r + gap + random.nextDouble() * (side - 2 * (r + gap)));
                double y = round1(r + gap + random.nextDouble() * (side - 2 * (r + gap)));
                SceneObject candidate = new SceneObject(shape, color, size, x, y, r, rotation);
                if (placed.stream().allMatch(o -> Math.hypot(o.x() - x, o.y() - y) >= o.radius() + r + gap)) {
                    found = candidate;
                }
            }
            if (found == null) {
                return null;
            }
            placed.add(found);
        }
        return placed;
    }

    private static <T> T pick(RandomGenerator random, T[] values) {
        return values[random.nextInt(values.length)];
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
