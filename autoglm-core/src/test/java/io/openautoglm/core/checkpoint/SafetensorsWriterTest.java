package io.openautoglm.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.checkpoint.SafetensorsWriter.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> t = new LinkedHashMap<>(); // deliberately not in name order
        t.put("z.weight", new Tensor(new long[] {2, 3}, new float[] {1, -2.5f, 3e-8f, Float.NaN, -0.0f, Float.POSITIVE_INFINITY}));
        t.put("logit_scale", new Tensor(new long[] {}, new float[] {2.6592f}));
        t.put("a.empty", new Tensor(new long[] {0, 4}, new float[0]));
        t.put("m.bias", new Tensor(new long[] {4}, new float[] {0.1f, 0.2f, 0.3f, 0.4f}));
        return t;
    }

    @Test
    void roundTripKeepsShapesValuesMetadataAndSortsNames() throws Exception {
        Path f = dir.resolve("model.safetensors");
        Map<String, Tensor> tensors = sample();
        SafetensorsWriter.write(f, tensors, Map.of("format", "pt", "note", "ünïcode"));
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.tensors().keySet()).containsExactly("a.empty", "logit_scale", "m.bias", "z.weight");
            assertThat(r.metadata()).isEqualTo(Map.of("format", "pt", "note", "ünïcode"));
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                TensorInfo info = r.info(e.getKey());
                assertThat(info.dtype()).isEqualTo(DType.F32);
                assertThat(info.shape()).containsExactly(e.getValue().shape());
                float[] back = r.readFloats(e.getKey());
                // Bit-exact, so NaN and -0.0 are checked too.
                assertThat(Arrays.equals(back, e.getValue().data())).as(e.getKey()).isTrue();
            }
            // Data is laid out in name order, back to back.
            long expectedBegin = 0;
            for (TensorInfo info : r.tensors().values()) {
                assertThat(info.begin()).isEqualTo(expectedBegin);
                expectedBegin = info.end();
            }
        }
    }

    @Test
    void theSameTensorsAndMetadataGiveTheSameBytesInAnyOrder() throws Exception {
        Map<String, String> one = new LinkedHashMap<>();
        one.put("producer", "open-autoglm");
        one.put("format", "pt");
        Map<String, String> other = new LinkedHashMap<>();
        other.put("format", "pt");
        other.put("producer", "open-autoglm");
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        SafetensorsWriter.write(a, Map.of("x", new Tensor(new long[] {2}, new float[] {1, 2})), one);
        SafetensorsWriter.write(b, Map.of("x", new Tensor(new long[] {2}, new float[] {1, 2})), other);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void headerIsPaddedWithSpacesToEightBytes() throws Exception {
        Path f = dir.resolve("model.safetensors");
        SafetensorsWriter.write(f, Map.of("w", new Tensor(new long[] {1}, new float[] {1f})), null);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertThat(n % 8).isZero();
        assertThat(bytes).hasSize((int) (8 + n + 4));
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        assertThat(header.strip()).doesNotContain("__metadata__").endsWith("}");
        assertThat(header.substring(header.strip().length())).matches(" {0,7}");
    }

    @Test
    void rewritingTheReferenceCheckpointReproducesItsTensorBytes() throws Exception {
        Path out = dir.resolve("copy.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(RawSafetensors.HF)) {
            for (TensorInfo info : r.tensors().values()) {
                tensors.put(info.name(), new Tensor(info.shape(), r.readFloats(info.name())));
            }
            SafetensorsWriter.write(out, tensors, r.metadata());
            try (SafetensorsReader copy = SafetensorsReader.open(out)) {
                assertThat(copy.tensors()).isEqualTo(r.tensors()); // same names, shapes and offsets
                assertThat(copy.metadata()).isEqualTo(r.metadata());
            }
        }
        // Both files end with the same data region: the layout matches the reference writer's.
        byte[] ref = Files.readAllBytes(RawSafetensors.HF);
        byte[] ours = Files.readAllBytes(out);
        int dataBytes = 794628;
        assertThat(Arrays.copyOfRange(ours, ours.length - dataBytes, ours.length))
                .isEqualTo(Arrays.copyOfRange(ref, ref.length - dataBytes, ref.length));
    }

    @Test
    void largeTensorCrossesTheStagingBuffer() throws Exception {
        float[] data = new float[100_003];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f - 7;
        }
        Path f = dir.resolve("big.safetensors");
        SafetensorsWriter.write(f, Map.of("big", new Tensor(new long[] {100_003}, data)), Map.of());
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.readFloats("big")).containsExactly(data);
            assertThat(r.metadata()).isEmpty();
        }
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFiles() throws Exception {
        Path f = dir.resolve("model.safetensors");
        SafetensorsWriter.write(f, sample(), Map.of("v", "1"));
        SafetensorsWriter.write(f, Map.of("only", new Tensor(new long[] {2}, new float[] {7, 8})), Map.of("v", "2"));
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.tensors().keySet()).containsExactly("only");
            assertThat(r.metadata()).containsEntry("v", "2");
            assertThat(r.readFloats("only")).containsExactly(7, 8);
        }
        assertThat(listing()).containsExactly("model.safetensors");
    }

    @Test
    void rejectedWriteLeavesThePreviousFileUntouched() throws Exception {
        Path f = dir.resolve("model.safetensors");
        SafetensorsWriter.write(f, sample(), null);
        byte[] before = Files.readAllBytes(f);
        Map<String, Tensor> bad = new LinkedHashMap<>(sample());
        bad.put("__metadata__", new Tensor(new long[] {1}, new float[] {1}));
        assertThatThrownBy(() -> SafetensorsWriter.write(f, bad, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("__metadata__");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        assertThat(listing()).containsExactly("model.safetensors");
    }

    @Test
    void failedRenameLeavesNoTemporaryFile() throws Exception {
        // The final rename fails (a non-empty directory is in the way) after all bytes were written.
        Path target = Files.createDirectories(dir.resolve("model.safetensors"));
        Files.writeString(target.resolve("keep.txt"), "keep");
        assertThatThrownBy(() -> SafetensorsWriter.write(target, sample(), null)).isInstanceOf(IOException.class);
        assertThat(listing()).containsExactly("model.safetensors");
        assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("keep");
    }

    @Test
    void tensorValidatesItsShape() {
        assertThatThrownBy(() -> new Tensor(new long[] {2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape [2, 3] has 6 elements but data has 5");
        assertThatThrownBy(() -> new Tensor(new long[] {-1}, new float[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        long[] shape = {1, 2};
        Tensor t = new Tensor(shape, new float[2]);
        shape[0] = 9; // the record keeps its own copy
        assertThat(t.shape()).containsExactly(1, 2);
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
