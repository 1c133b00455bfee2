package io.openautoglm.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openautoglm.core.model.clip.ClipImageProcessor;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectGroundingTest {
    private static final ObjectGrounding.SceneObject RED_CIRCLE = new ObjectGrounding.SceneObject("large", "red", "circle", 0.2, 0.3, 0.2);
    private static final ObjectGrounding.SceneObject BLUE_SQUARE = new ObjectGrounding.SceneObject("small", "blue", "square", 0.7, 0.6, 0.1);
    private static final ObjectGrounding.SceneObject RED_SQUARE = new ObjectGrounding.SceneObject("large", "red", "square", 0.5, 0.9, 0.2);
    private static final List<ObjectGrounding.SceneObject> SCENE = List.of(RED_CIRCLE, BLUE_SQUARE, RED_SQUARE);

    @Test
    void aPhraseNamesTheOneObjectWithAllItsWords() {
        String q = "is the red circle left of the blue square?";
        List<ObjectGrounding.Mention> m = ObjectGrounding.mentions(q, SCENE);
        assertThat(m).extracting(ObjectGrounding.Mention::object).containsExactly(RED_CIRCLE, BLUE_SQUARE);
        assertThat(q.substring(0, m.get(0).end())).isEqualTo("is the red circle");
        assertThat(q.substring(0, m.get(1).end())).isEqualTo("is the red circle left of the blue square");
        assertThat(ObjectGrounding.mentions("what shape is the blue object?", SCENE)).extracting(ObjectGrounding.Mention::object)
                .containsExactly(BLUE_SQUARE);
        assertThat(ObjectGrounding.mentions("a small blue square", SCENE)).extracting(ObjectGrounding.Mention::object)
                .containsExactly(BLUE_SQUARE);
    }

    @Test
    void ambiguousAbsentAndPluralPhrasesNameNothing() {
        assertThat(ObjectGrounding.mentions("what color is the square?", SCENE)).isEmpty(); // two squares
        assertThat(ObjectGrounding.mentions("what shape is the red object?", SCENE)).isEmpty(); // two red objects
        assertThat(ObjectGrounding.mentions("is there a green circle?", SCENE)).isEmpty(); // the circle is red
        assertThat(ObjectGrounding.mentions("is there a small red square?", SCENE)).isEmpty(); // the red square is large
        assertThat(ObjectGrounding.mentions("how many circles are there?", SCENE)).isEmpty();
        assertThat(ObjectGrounding.mentions("is the red circle left of the blue square?", List.of())).isEmpty();
    }

    @Test
    void positionsFollowTheCropAndTheResize() {
        ClipImageProcessor p = new ClipImageProcessor(PreprocessorConfig.clipDefaults(64));
        assertThat(ObjectGrounding.toInput(0.25, 0.75, 0.1, 64, 64, null, p)).containsExactly(new double[] {0.25, 0.75, 0.1}, within(1e-9));
        // keep x in [16, 48), y in [0, 32): a 32 x 32 crop scaled by 2
        var crop = new RandomResizedCrop.Region(16, 0, 32, 32);
        assertThat(ObjectGrounding.toInput(0.5, 0.25, 0.1, 64, 64, crop, p)).containsExactly(new double[] {0.5, 0.5, 0.2}, within(1e-9));
        assertThat(ObjectGrounding.toInput(0.1, 0.25, 0.1, 64, 64, crop, p)).isNull(); // cropped away
        // a wide crop: 48 x 32 resized to 96 x 64, then the centre 64 columns (16 cut on each side)
        var wide = new RandomResizedCrop.Region(0, 0, 48, 32);
        assertThat(ObjectGrounding.toInput(24 / 64.0, 16 / 64.0, 0.1, 64, 64, wide, p)).containsExactly(new double[] {0.5, 0.5, 0.2}, within(1e-9));
    }

    @Test
    void aSceneWithoutASizeIsAClearError() throws Exception {
        assertThatThrownBy(() -> ObjectGrounding.objects(record("{\"objects\": []}")))
                .hasMessageContaining("positive \"width\" and \"height\"");
        assertThatThrownBy(() -> ObjectGrounding.objects(record("{\"width\": 64, \"height\": 64, \"objects\": [{\"shape\": \"star\"}]}")))
                .hasMessageContaining("numbers \"x\" and \"y\"");
        List<ObjectGrounding.SceneObject> objects = ObjectGrounding.objects(record(
                "{\"width\": 64, \"height\": 32, \"objects\": [{\"shape\": \"star\", \"color\": \"red\", \"size\": \"small\", \"x\": 16, \"y\": 8, \"radius\": 6.4}]}"));
        assertThat(objects).containsExactly(new ObjectGrounding.SceneObject("small", "red", "star", 0.25, 0.25, 0.1));
    }

    private static io.openautoglm.core.data.ManifestRecord record(String scene) throws Exception {
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"image\": \"a.png\", \"caption\": \"c\", \"scene\": " + scene + "}");
        return new io.openautoglm.core.data.ManifestRecord(1, java.nio.file.Path.of("a.png"), List.of("c"), json);
    }
}
