package io.openautoglm.core.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.ParityFixture;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.nn.Activation;
import org.junit.jupiter.api.Test;

class ClipConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void huggingFaceAndOpenClipConfigsOfTheFixtureDescribeTheSameModel() throws Exception {
        ClipConfig hf = ClipConfig.fromHuggingFace(JSON.readTree(ParityFixture.HF.resolve("config.json").toFile()));
        ClipConfig oc = ClipConfig.fromOpenClip(JSON.readTree(ParityFixture.OPENAI.resolve("open_clip_config.json").toFile()).get("model_cfg"));
        assertThat(oc.vision()).isEqualTo(hf.vision());
        assertThat(oc.text()).isEqualTo(hf.text());
        assertThat(oc.projectionDim()).isEqualTo(32);
        assertThat(hf.vision().heads()).isEqualTo(1);
        assertThat(hf.text().eosId()).isEqualTo(499);
    }

    @Test
    void ourJsonRoundTrips() {
        ClipConfig hf = ClipConfig.fromHuggingFace(JSON.createObjectNode());
        ClipConfig back = ClipConfig.fromHuggingFace(hf.toJson());
        assertThat(back).isEqualTo(hf);
        assertThat(hf.vision().imageSize()).isEqualTo(224); // Hugging Face defaults: ViT-B/32
        assertThat(hf.text().contextLength()).isEqualTo(77);
    }

    @Test
    void openClipQuickGeluFlagSelectsTheActivation() {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("quick_gelu", false);
        assertThat(ClipConfig.fromOpenClip(cfg).vision().activation()).isEqualTo(Activation.GELU);
        assertThat(ClipConfig.fromOpenClip(JSON.createObjectNode()).vision().activation()).isEqualTo(Activation.QUICK_GELU);
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        ObjectNode bad = ClipConfig.fromHuggingFace(JSON.createObjectNode()).toJson();
        ((ObjectNode) bad.get("vision_config")).put("patch_size", 30);
        assertThatThrownBy(() -> ClipConfig.fromHuggingFace(bad))
                .isInstanceOf(UserInputException.class).hasMessageContaining("patch_size");
        ObjectNode heads = ClipConfig.fromHuggingFace(JSON.createObjectNode()).toJson();
        ((ObjectNode) heads.get("text_config")).put("num_attention_heads", 7);
        assertThatThrownBy(() -> ClipConfig.fromHuggingFace(heads)).hasMessageContaining("num_attention_heads");
        ObjectNode act = ClipConfig.fromHuggingFace(JSON.createObjectNode()).toJson();
        ((ObjectNode) act.get("text_config")).put("hidden_act", "relu");
        assertThatThrownBy(() -> ClipConfig.fromHuggingFace(act)).hasMessageContaining("relu");
        ObjectNode ids = ClipConfig.fromHuggingFace(JSON.createObjectNode()).toJson();
        ((ObjectNode) ids.get("text_config")).put("eos_token_id", 50000);
        assertThatThrownBy(() -> ClipConfig.fromHuggingFace(ids)).hasMessageContaining("50000");
    }

    @Test
    void convStemIsOursAndRoundTripsWhilePatchStaysTheUnwrittenDefault() {
        ObjectNode json = ClipConfig.fromHuggingFace(JSON.createObjectNode()).toJson();
        assertThat(json.get("vision_config").has("patch_stem")).isFalse();
        ((ObjectNode) json.get("vision_config")).put("patch_stem", "conv");
        ClipConfig conv = ClipConfig.fromHuggingFace(json);
        assertThat(conv.vision().patchStem()).isEqualTo("conv");
        assertThat(ClipConfig.fromHuggingFace(conv.toJson())).isEqualTo(conv);
        ((ObjectNode) json.get("vision_config")).put("patch_stem", "resnet");
        assertThatThrownBy(() -> ClipConfig.fromHuggingFace(json)).isInstanceOf(UserInputException.class).hasMessageContaining("patch_stem");
        ((ObjectNode) json.get("vision_config")).put("patch_stem", "conv");
        ((ObjectNode) json.get("vision_config")).put("patch_size", 28);
        ((ObjectNode) json.get("vision_config")).put("image_size", 224);
        assertThatThrownBy(() -> ClipConfig.fromHuggingFace(json)).hasMessageContaining("power-of-two");
    }
}
