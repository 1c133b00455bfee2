package io.openautoglm.train.data.shapeworld;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.train.data.shapeworld.Annotations.Caption;
import io.openautoglm.train.data.shapeworld.Annotations.HardNegative;
import io.openautoglm.train.data.shapeworld.Annotations.QaPair;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Everything the generator says about a picture is true of its scene graph, and the picture shows it. */
class ShapeWorldSemanticsTest {
    private static final int N = 400;
    private static final ShapeWorldGenerator GEN = new ShapeWorldGenerator(ShapeWorldConfig.defaults(N, 11));
    private static List<ShapeWorldGenerator.Item> items;

    @BeforeAll
    static void generate() {
        items = java.util.stream.IntStream.range(0, N).mapToObj(GEN::item).toList();
    }

    @Test
    void everyCaptionIsTrueAndTheFirstIsTheFullLeftToRightDescription() {
        for (var it : items) {
            List<Caption> caps = it.annotations().captions();
            assertThat(caps.get(0).kind()).isEqualTo("full");
            assertThat(caps.size()).isGreaterThanOrEqualTo(4);
            for (Caption c : caps) {
                assertThat(SceneChecker.holds(it.scene(), c.text())).as(c + " for " + it.scene()).isTrue();
            }
            // The first caption names every object with size, colour and shape.
            String[] items = caps.get(0).text().split(", | and ");
            assertThat(items).hasSize(it.scene().objects().size());
            for (String item : items) {
                SceneChecker.Spec s = SceneChecker.spec(item.replaceFirst("^an? ", ""));
                assertThat(s.size()).isNotNull();
                assertThat(s.color()).isNotNull();
                assertThat(s.shape()).isNotNull();
            }
            assertThat(it.record().get("caption").asText()).isEqualTo(caps.get(0).text());
            assertThat(it.record().get("captions")).hasSize(caps.size());
        }
        assertThat(items.stream().flatMap(i -> i.annotations().captions().stream()).map(Caption::kind))
                .contains("full", "objects", "relation", "count", "attributes", "shapes");
    }

    @Test
    void everyAnswerIsRightAndYesNoIsBalanced() {
        Map<String, int[]> yesNo = new HashMap<>();
        Set<String> types = new HashSet<>();
        for (var it : items) {
            for (QaPair q : it.annotations().qa()) {
                assertThat(q.answer()).as(q + " for " + it.scene()).isEqualTo(SceneChecker.answer(it.scene(), q.question()));
                types.add(q.type());
                if (q.answer().equals("yes") || q.answer().equals("no")) {
                    yesNo.computeIfAbsent(q.type(), k -> new int[2])[q.answer().equals("yes") ? 0 : 1]++;
                }
            }
        }
        assertThat(types).containsExactlyInAnyOrder("color", "shape", "count", "exist", "relation");
        assertThat(yesNo.get("exist")[0]).isEqualTo(yesNo.get("exist")[1]);
        assertThat(yesNo.get("relation")[0]).isEqualTo(yesNo.get("relation")[1]).isPositive();
    }

    @Test
    void spatialQuestionsAskAboutTwoNamedObjectsAndAnswerWithTheirDominantDirection() {
        Map<String, Integer> answers = new HashMap<>();
        for (var it : items) {
            var spatial = it.record().get(ShapeWorldGenerator.SPATIAL_QA_KEY);
            long named = it.scene().objects().stream().filter(o -> Phrases.referent(it.scene(), o) != null).count();
            assertThat(spatial).as("spatial questions for " + it.scene()).hasSize((int) Math.min(2, named * (named - 1)));
            Set<String> asked = new HashSet<>();
            for (var q : spatial) {
                String question = q.get("question").asText();
                assertThat(asked.add(question)).as("asked twice: " + question).isTrue();
                assertThat(q.get("type").asText()).isEqualTo("position");
                assertThat(q.get("answer").asText()).as(question + " for " + it.scene()).isEqualTo(SceneChecker.answer(it.scene(), question));
                answers.merge(q.get("answer").asText(), 1, Integer::sum);
            }
        }
        assertThat(answers.keySet()).containsExactlyInAnyOrder("left", "right", "above", "below");
        // The layout decides the answer: no direction dominates the others.
        assertThat(answers.values()).allSatisfy(n -> assertThat(n).isGreaterThan(answers.values().stream().mapToInt(x -> x).sum() / 8));
    }

    @Test
    void hardNegativesAreFalseAndTheirPositivesTrue() {
        Set<String> types = new HashSet<>();
        for (var it : items) {
            for (HardNegative h : it.annotations().hardNegatives()) {
                assertThat(SceneChecker.holds(it.scene(), h.caption())).as(h + " for " + it.scene()).isFalse();
                assertThat(SceneChecker.holds(it.scene(), h.positive())).as(h.positive()).isTrue();
                List<String> negativeWords = ShapeWorld.words(h.caption());
                List<String> positiveWords = ShapeWorld.words(h.positive());
                if (h.type().startsWith("swap_")) {
                    // A swap reuses exactly the positive's words: only their order or binding differs.
                    assertThat(negativeWords.stream().sorted().toList()).isEqualTo(positiveWords.stream().sorted().toList());
                } else {
                    // A replacement changes exactly one word in place.
                    assertThat(negativeWords).hasSameSizeAs(positiveWords);
                    long changed = java.util.stream.IntStream.range(0, negativeWords.size())
                            .filter(k -> !negativeWords.get(k).equals(positiveWords.get(k))).count();
                    assertThat(changed).as(h.toString()).isEqualTo(1);
                }
                types.add(h.type());
            }
            if (it.scene().objects().size() == 1) {
                assertThat(it.annotations().hardNegatives()).extracting(HardNegative::type)
                        .containsExactlyInAnyOrder("replace_shape", "replace_color", "replace_size");
            }
        }
        assertThat(types).containsExactlyInAnyOrder("swap_color", "swap_shape", "swap_size", "swap_relation",
                "replace_shape", "replace_color", "replace_size");
    }

    @Test
    void objectsStayInsideTheFrameAndApart() {
        for (var it : items) {
            List<SceneObject> objs = it.scene().objects();
            for (SceneObject o : objs) {
                assertThat(o.x() - o.radius()).isGreaterThanOrEqualTo(0);
                assertThat(o.y() - o.radius()).isGreaterThanOrEqualTo(0);
                assertThat(o.x() + o.radius()).isLessThanOrEqualTo(64);
                assertThat(o.y() + o.radius()).isLessThanOrEqualTo(64);
                assertThat(Math.abs(o.rotation())).isLessThanOrEqualTo(SceneSampler.MAX_ROTATION_DEGREES);
                // The drawn outline really fits the enclosing circle the placement used.
                var bounds = SceneRenderer.outline(o).getBounds2D();
                assertThat(Math.hypot(Math.max(Math.abs(bounds.getMinX() - o.x()), Math.abs(bounds.getMaxX() - o.x())), 0))
                        .isLessThanOrEqualTo(o.radius() + 1e-6);
            }
            for (int i = 0; i < objs.size(); i++) {
                for (int j = i + 1; j < objs.size(); j++) {
                    SceneObject a = objs.get(i);
                    SceneObject b = objs.get(j);
                    assertThat(Math.hypot(a.x() - b.x(), a.y() - b.y())).isGreaterThan(a.radius() + b.radius());
                }
            }
        }
    }

    @Test
    void objectCountsFollowTheConfig() {
        long single = items.stream().filter(i -> i.scene().objects().size() == 1).count();
        assertThat(single / (double) N).isBetween(0.22, 0.38);
        for (int n = 2; n <= 4; n++) {
            int k = n;
            assertThat(items.stream().filter(i -> i.scene().objects().size() == k).count()).isGreaterThan(N / 6);
        }
        ShapeWorldGenerator one = new ShapeWorldGenerator(new ShapeWorldConfig(48, 20, 1, ShapeWorldConfig.DEFAULT_SPLITS, 0.0, 2, false, 0, false));
        for (int i = 0; i < 20; i++) {
            var it = one.item(i);
            assertThat(it.scene().objects()).hasSize(2);
            assertThat(it.scene().objects()).allMatch(o -> o.rotation() == 0);
            assertThat(it.scene().texture()).isEqualTo(Background.Texture.NONE);
        }
    }

    @Test
    void singleObjectRecordsCarryTheZeroShotLabelsAndTheCentreShowsTheColour() {
        int checked = 0;
        for (var it : items) {
            if (it.scene().objects().size() != 1) {
                assertThat(it.record().has("color")).isFalse();
                continue;
            }
            SceneObject o = it.scene().objects().get(0);
            assertThat(it.record().get("color").asText()).isEqualTo(o.color().word());
            assertThat(it.record().get("shape").asText()).isEqualTo(o.shape().word());
            assertThat(it.record().get("size").asText()).isEqualTo(o.size().word());
            BufferedImage img = it.image();
            int p = img.getRGB((int) Math.floor(o.x()), (int) Math.floor(o.y()));
            int c = o.color().rgb();
            for (int shift : new int[] {16, 8, 0}) {
                // Noise 6 (sd) at the centre, never antialiasing: 30 is 5 sd.
                assertThat(Math.abs(((p >> shift) & 0xff) - ((c >> shift) & 0xff))).as(o + " pixel " + Integer.toHexString(p)).isLessThanOrEqualTo(30);
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(80);
    }

    @Test
    void vocabularyCoversEveryWordAndIsStable() {
        List<String> vocab = ShapeWorld.vocabulary();
        assertThat(vocab).doesNotHaveDuplicates().contains("?", ",", "left", "crosses", "4", "yes").isEqualTo(ShapeWorld.vocabulary());
        assertThat(vocab).allMatch(w -> w.equals(w.toLowerCase()));
        Set<String> used = new HashSet<>();
        for (var it : items) {
            it.annotations().captions().forEach(c -> used.addAll(ShapeWorld.words(c.text())));
            it.annotations().qa().forEach(q -> {
                used.addAll(ShapeWorld.words(q.question()));
                used.addAll(ShapeWorld.words(q.answer()));
            });
            it.annotations().hardNegatives().forEach(h -> used.addAll(ShapeWorld.words(h.caption())));
        }
        assertThat(vocab).containsAll(used);
        assertThat(ShapeWorld.words("Is there a red circle?")).containsExactly("is", "there", "a", "red", "circle", "?");
    }

    @Test
    void splitFractionsAreHonouredAndSplitsDependOnlyOnSeedAndIndex() {
        int[] counts = new int[3];
        for (int i = 0; i < 20_000; i++) {
            counts[ShapeWorld.splitOf(5, i, List.of(0.7, 0.2, 0.1))]++;
        }
        assertThat(counts[0] / 20_000.0).isBetween(0.68, 0.72);
        assertThat(counts[1] / 20_000.0).isBetween(0.18, 0.22);
        assertThat(counts[2] / 20_000.0).isBetween(0.09, 0.11);
        for (int i = 0; i < 1000; i++) {
            assertThat(ShapeWorld.splitOf(5, i, List.of(1.0, 0.0, 0.0))).isZero();
            assertThat(ShapeWorld.splitOf(5, i, List.of(0.0, 0.0, 1.0))).isEqualTo(2);
        }
    }
}
