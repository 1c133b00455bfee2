package io.openautoglm.core.checkpoint;

import static io.openautoglm.core.checkpoint.RawSafetensors.HF;
import static io.openautoglm.core.checkpoint.RawSafetensors.OPENAI;
import static io.openautoglm.core.checkpoint.RawSafetensors.oneTensor;
import static io.openautoglm.core.checkpoint.RawSafetensors.shorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openautoglm.core.UserInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {
    @TempDir Path dir;

    @Test
    void readsHuggingFaceFixture() {
        try (SafetensorsReader r = SafetensorsReader.open(HF)) {
            // Counted with python3 from the header: 78 tensors, all F32.
            assertThat(r.tensors()).hasSize(78);
            assertThat(r.metadata()).isEqualTo(Map.of("format", "pt"));
            List<String> names = new ArrayList<>(r.tensors().keySet());
            assertThat(names).isSorted();

            TensorInfo patch = r.info("vision_model.embeddings.patch_embedding.weight");
            assertThat(patch.dtype()).isEqualTo(DType.F32);
            assertThat(patch.shape()).containsExactly(64, 3, 8, 8);
            assertThat(patch.begin()).isEqualTo(332036);
            assertThat(patch.end()).isEqualTo(381188);
            assertThat(patch.elementCount()).isEqualTo(12288);

            float[] w = r.readFloats("vision_model.embeddings.patch_embedding.weight");
            assertThat(w).hasSize(12288);
            // Reference values read with python3 struct from the same bytes.
            assertThat(w[0]).isEqualTo(0.005040634423494339f);
            assertThat(w[12287]).isEqualTo(-0.04206598922610283f);
            double sum = 0;
            for (float v : w) {
                sum += v;
            }
            assertThat(sum).isCloseTo(-3.4247184806467885, within(1e-4));

            // The fixture stores logit_scale = ln(20) (not CLIP's init ln(1/0.07) = 2.659).
            TensorInfo scale = r.info("logit_scale");
            assertThat(scale.shape()).isEmpty();
            assertThat(scale.elementCount()).isEqualTo(1);
            assertThat(r.readFloats("logit_scale")).containsExactly((float) Math.log(20));
        }
    }

    @Test
    void openAiLayoutHoldsTheSameWeightsUnderOtherNames() {
        try (SafetensorsReader hf = SafetensorsReader.open(HF); SafetensorsReader oa = SafetensorsReader.open(OPENAI)) {
            assertThat(oa.tensors()).hasSize(62);
            assertThat(oa.metadata()).containsEntry("format", "pt");
            assertThat(oa.contains("visual.conv1.weight")).isTrue();
            assertThat(oa.contains("vision_model.embeddings.patch_embedding.weight")).isFalse();
            assertThat(oa.readFloats("visual.conv1.weight"))
                    .containsExactly(hf.readFloats("vision_model.embeddings.patch_embedding.weight"));
            assertThat(oa.readFloats("logit_scale")).containsExactly(hf.readFloats("logit_scale"));
        }
    }

    @Test
    void missingTensorNamesTheFileAndTheTensor() {
        try (SafetensorsReader r = SafetensorsReader.open(HF)) {
            assertThatThrownBy(() -> r.info("no.such.weight"))
                    .isInstanceOf(UserInputException.class)
                    .hasMessageStartingWith(HF.toString())
                    .hasMessageContaining("'no.such.weight'");
            assertThatThrownBy(() -> r.readFloats("no.such.weight")).isInstanceOf(UserInputException.class);
        }
    }

    @Test
    void concurrentReadsAgreeWithSequentialOnes() throws Exception {
        try (SafetensorsReader r = SafetensorsReader.open(HF)) {
            Map<String, float[]> expected = new java.util.HashMap<>();
            for (String name : r.tensors().keySet()) {
                expected.put(name, r.readFloats(name));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    results.add(pool.submit(() -> {
                        for (String name : r.tensors().keySet()) {
                            if (!java.util.Arrays.equals(r.readFloats(name), expected.get(name))) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : results) {
                    assertThat(f.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void decodesF16IncludingSubnormalsInfinitiesAndNaN() throws Exception {
        int[] bits = {0x3C00, 0xC100, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x7C00, 0xFC00, 0x7E00, 0x8000, 0x3555};
        Path f = RawSafetensors.write(dir.resolve("h.safetensors"),
                oneTensor("h", "F16", "[11]", 0, 22), shorts(bits));
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            float[] v = r.readFloats("h");
            assertThat(v[0]).isEqualTo(1.0f);
            assertThat(v[1]).isEqualTo(-2.5f);
            assertThat(v[2]).isEqualTo(65504f);
            assertThat(v[3]).isEqualTo((float) Math.pow(2, -24)); // smallest subnormal
            assertThat(v[4]).isEqualTo((float) (1023 * Math.pow(2, -24))); // largest subnormal
            assertThat(v[5]).isEqualTo((float) Math.pow(2, -14)); // smallest normal
            assertThat(v[6]).isEqualTo(Float.POSITIVE_INFINITY);
            assertThat(v[7]).isEqualTo(Float.NEGATIVE_INFINITY);
            assertThat(v[8]).isNaN();
            assertThat(Float.floatToRawIntBits(v[9])).isEqualTo(0x80000000); // -0.0 keeps its sign
            assertThat(v[10]).isEqualTo(0.333251953125f); // nearest F16 to 1/3
        }
    }

    @Test
    void decodesBF16IncludingSubnormalsInfinitiesAndNaN() throws Exception {
        int[] bits = {0x3F80, 0xC020, 0x7F7F, 0x0001, 0x7F80, 0xFF80, 0x7FC0, 0x477F};
        Path f = RawSafetensors.write(dir.resolve("b.safetensors"),
                oneTensor("b", "BF16", "[2,4]", 0, 16), shorts(bits));
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.info("b").dtype()).isEqualTo(DType.BF16);
            float[] v = r.readFloats("b");
            assertThat(v[0]).isEqualTo(1.0f);
            assertThat(v[1]).isEqualTo(-2.5f);
            assertThat(v[2]).isEqualTo(Float.intBitsToFloat(0x7F7F0000)); // largest finite BF16
            assertThat(v[3]).isEqualTo((float) Math.pow(2, -133)); // smallest subnormal
            assertThat(v[4]).isEqualTo(Float.POSITIVE_INFINITY);
            assertThat(v[5]).isEqualTo(Float.NEGATIVE_INFINITY);
            assertThat(v[6]).isNaN();
            assertThat(v[7]).isEqualTo(65280f);
        }
    }

    @Test
    void otherDtypesOpenButAreRefusedByReadFloats() throws Exception {
        String json = "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[16,19]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[19,19]}}";
        Path f = RawSafetensors.write(dir.resolve("i.safetensors"), json, new byte[19]);
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.info("ids").dtype()).isEqualTo(DType.I64);
            assertThat(r.info("mask").dtype()).isEqualTo(DType.BOOL);
            assertThat(r.metadata()).isEmpty();
            assertThat(r.readFloats("empty")).isEmpty();
            assertThatThrownBy(() -> r.readFloats("ids"))
                    .isInstanceOf(UserInputException.class)
                    .hasMessageStartingWith(f.toString())
                    .hasMessageContaining("'ids' has dtype I64");
        }
    }

    @Test
    void readsAfterCloseFailClearly() {
        SafetensorsReader r = SafetensorsReader.open(HF);
        r.close();
        assertThatThrownBy(() -> r.readFloats("logit_scale"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
