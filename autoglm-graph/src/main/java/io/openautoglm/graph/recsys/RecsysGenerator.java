package io.openautoglm.graph.recsys;

import io.openautoglm.core.UserInputException;
import io.openautoglm.train.data.shapeworld.SceneObject;
import io.openautoglm.train.data.shapeworld.ShapeWorldConfig;
import io.openautoglm.train.data.shapeworld.ShapeWorldGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * A synthetic user-item interaction set whose items are one-object ShapeWorld pictures with captions.
 * Each user has a planted taste (a favourite shape and colour, and a preferred size); each item a
 * latent appeal that also drives how often it is shown (popularity bias). Every user sees
 * {@link #IMPRESSIONS} items in time order, half drawn by popularity (warm items only) and half uniformly; a click is
 * likelier the more the item matches the taste, a like (only after a click) needs a close match.
 * The first 70% of a user's impressions are {@code train}, the next 10% {@code val}, the last 20%
 * {@code test}. The last fifth of the items are cold-start: they are shown only in val and test.
 * Everything follows from the seed.
 */
public final class RecsysGenerator {
    static final int IMPRESSIONS = 40;
    static final double COLD_FRACTION = 0.2;
    private static final long HOUR = 3600;

    private final int users;
    private final int items;
    private final long seed;

    public record Item(int index, String shape, String color, String size, String caption, boolean cold, double appeal) {
        public String id() {
            return "item-" + index;
        }

        public String image() {
            return "images/" + ShapeWorldGenerator.imageName(index);
        }
    }

    public record User(int index, String shape, String color, String size) {
        public String id() {
            return "user-" + index;
        }
    }

    public record Interaction(int user, int item, long time, boolean click, boolean like, String split) {}

    /** The generated set; {@code picture} renders item i's picture (the ShapeWorld image of index i). */
    public record Dataset(List<Item> items, List<User> users, List<Interaction> interactions,
            IntFunction<java.awt.image.BufferedImage> picture) {}

    public RecsysGenerator(int users, int items, long seed) {
        if (users < 10 || users > 1_000_000) {
            throw new UserInputException("--users must be between 10 and 1000000, got " + users);
        }
        if (items < 30 || items > 1_000_000) {
            throw new UserInputException("--items must be between 30 and 1000000, got " + items);
        }
        this.users = users;
        this.items = items;
        this.seed = seed;
    }

    public Dataset generate() {
        ShapeWorldConfig base = ShapeWorldConfig.defaults(items, seed);
        // One object a picture, so every item has one shape, colour and size a taste can be over.
        ShapeWorldGenerator pictures = new ShapeWorldGenerator(new ShapeWorldConfig(base.size(), items, seed, base.splits(),
                1.0, 1, base.rotation(), base.noise(), base.texture()));
        Random random = new Random(seed * 31 + 7);
        List<Item> itemList = new ArrayList<>();
        int firstCold = (int) Math.round(items * (1 - COLD_FRACTION));
        for (int i = 0; i < items; i++) {
            ShapeWorldGenerator.Item made = pictures.item(i);
            SceneObject o = made.scene().objects().get(0);
            itemList.add(new Item(i, o.shape().word(), o.color().word(), o.size().word(), made.record().get("caption").asText(),
                    i >= firstCold, random.nextGaussian()));
        }
        List<String> shapes = itemList.stream().map(Item::shape).distinct().sorted().toList();
        List<String> colors = itemList.stream().map(Item::color).distinct().sorted().toList();
        List<User> userList = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            userList.add(new User(u, shapes.get(random.nextInt(shapes.size())), colors.get(random.nextInt(colors.size())),
                    random.nextBoolean() ? "small" : "large"));
        }
        double[] warmWeight = popularityWeights(itemList);
        List<Interaction> interactions = new ArrayList<>();
        int trainEnd = (int) (IMPRESSIONS * 0.7);
        int valEnd = (int) (IMPRESSIONS * 0.8);
        for (User user : userList) {
            long start = 1_700_000_000L + random.nextInt(1_000_000);
            for (int t = 0; t < IMPRESSIONS; t++) {
                boolean train = t < trainEnd;
                // New items have no popularity yet: only the uniform half of the feed shows them.
                int item = random.nextBoolean() ? draw(warmWeight, random)
                        : (train ? random.nextInt(firstCold) : random.nextInt(items));
                Item it = itemList.get(item);
                double match = affinity(user, it);
                boolean click = random.nextDouble() < sigmoid(1.6 * match - 2.6 + 0.5 * it.appeal());
                boolean like = click && random.nextDouble() < sigmoid(2.5 * (match - 2.2));
                String split = train ? "train" : t < valEnd ? "val" : "test";
                interactions.add(new Interaction(user.index(), item, start + t * HOUR, click, like, split));
            }
        }
        return new Dataset(itemList, userList, interactions, i -> pictures.item(i).image());
    }

    /** The planted taste: 1.5 for the favourite shape, 1.5 for the favourite colour, 0.7 for the size. */
    static double affinity(User user, Item item) {
        return (user.shape().equals(item.shape()) ? 1.5 : 0) + (user.color().equals(item.color()) ? 1.5 : 0)
                + (user.size().equals(item.size()) ? 0.7 : 0);
    }

    /** Exposure weights exp(1.2 appeal) of the warm items: a long tail where a few items are shown far more often. */
    private static double[] popularityWeights(List<Item> items) {
        double[] w = new double[items.size()];
        for (Item it : items) {
            w[it.index()] = it.cold() ? 0 : Math.exp(1.2 * it.appeal());
        }
        return w;
    }

    private static int draw(double[] weight, Random random) {
        double total = 0;
        for (double w : weight) {
            total += w;
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < weight.length; i++) {
            u -= weight[i];
            if (u <= 0) {
                return i;
            }
        }
        return weight.length - 1;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
