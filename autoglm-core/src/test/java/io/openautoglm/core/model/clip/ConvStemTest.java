package io.openautoglm.core.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.ParityFixture;
import io.openautoglm.core.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvStemTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fixture's tiny CLIP (32 px, patch 8) with a conv stem: three stride-2 convolutions to a 4x4 grid. */
    private static ClipConfig convConfig() throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(ParityFixture.HF.resolve("config.json").toFile());
        ((ObjectNode) json.get("vision_config")).put("patch_stem", "conv");
        return ClipConfig.fromHuggingFace(json);
    }

    @Test
    void stemReachesThePatchGridWithOverlappingKernels() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            ConvStem stem = new ConvStem(3, 8, 64);
            stem.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 3, 32, 32));
            assertThat(stem.namedParameters().keySet())
                    .containsExactly("0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias", "proj.weight", "proj.bias");
            assertThat(stem.namedParameters().get("0.weight").getArray().getShape()).isEqualTo(new Shape(8, 3, 3, 3));
            assertThat(stem.namedParameters().get("2.weight").getArray().getShape()).isEqualTo(new Shape(32, 16, 3, 3));
            NDArray pixels = m.randomNormal(new Shape(2, 3, 32, 32));
            NDArray tokens = stem.apply(new ParameterStore(m, false), pixels, false);
            assertThat(tokens.getShape()).isEqualTo(new Shape(2, 16, 64));
            // A pixel on a patch border reaches the tokens of both patches (a patch convolution would
            // not): change one pixel at (7, 7), the corner of patch (0, 0), and token (1, 1) moves too.
            NDArray poked = pixels.duplicate();
            poked.set(new ai.djl.ndarray.index.NDIndex("0, :, 7, 7"), 50f);
            NDArray after = stem.apply(new ParameterStore(m, false), poked, false);
            NDArray moved = after.sub(tokens).abs().sum(new int[] {2}).get(0); // (16) change per token of picture 0
            assertThat(moved.getFloat(0)).isPositive();
            assertThat(moved.getFloat(5)).isPositive(); // token (1, 1)
            assertThat(moved.getFloat(15)).isZero(); // far corner untouched
        }
    }

    @Test
    void modelWithConvStemEmbedsSavesAndReloadsIdentically(@TempDir Path dir) throws Exception {
        try (MultimodalModel model = MultimodalModel.randomlyInitialized(convConfig(), ParityFixture.HF.resolve("tokenizer.json"),
                PreprocessorConfig.clipDefaults(32), 3, "conv-stem")) {
            assertThat(model.network().namedParameters().keySet())
                    .contains("vision_model.embeddings.conv_stem.0.weight", "vision_model.embeddings.conv_stem.proj.weight")
                    .doesNotContain("vision_model.embeddings.patch_embedding.weight");
            List<Path> images = List.of(ParityFixture.IMAGES.resolve("pic0_32x32_RGB.png"), ParityFixture.IMAGES.resolve("pic1_97x61_RGB.png"));
            float[][] before = model.embedImageFiles(images, io.openautoglm.core.EmbedOptions.defaults());
            model.save(dir.resolve("saved"), null);
            assertThat(Files.readString(dir.resolve("saved/config.json"))).contains("\"patch_stem\" : \"conv\"");
            try (MultimodalModel copy = MultimodalModel.load(dir.resolve("saved"))) {
                assertThat(copy.embedImageFiles(images, io.openautoglm.core.EmbedOptions.defaults())).isDeepEqualTo(before);
            }
        }
    }
}
