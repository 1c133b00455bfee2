package io.openautoglm.core.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes float32 tensors as a safetensors file that the reference implementation (and therefore
 * PyTorch, Hugging Face and open_clip) loads. The file appears complete or not at all: it is
 * written through {@link AtomicFiles}, so a crash or an exception leaves any previous file intact.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Bytes staged per write call when streaming tensor data. */
    private static final int BUFFER_BYTES = 1 << 16;

    private SafetensorsWriter() {}

    /**
     * One float32 tensor. The shape is copied; the data array is not (checkpoints are large), so do
     * not modify it until {@link #write} returns.
     */
    public record Tensor(long[] shape, float[] data) {
        public Tensor {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
            shape = shape.clone();
            long count = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                count = Math.multiplyExact(count, d);
            }
            if (count != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + count
                        + " elements but data has " + data.length);
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    /**
     * Writes F32 tensors atomically (AtomicFiles), names sorted, 8-byte aligned header padded with
     * spaces like the reference.
     *
     * @param metadata stored as {@code __metadata__}; may be null or empty (then omitted)
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        // Sorted names make the file reproducible: the same weights always give the same bytes.
        TreeMap<String, Tensor> sorted = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            if (name.isEmpty() || name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name '" + name + "'");
            }
            sorted.put(name, Objects.requireNonNull(e.getValue(), "tensor '" + name + "'"));
        }
        byte[] header = header(sorted, metadata);
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : sorted.values()) {
                writeFloats(out, t.data(), buffer);
            }
        });
    }

    /** The header JSON, padded with spaces so the data region starts 8-byte aligned. */
    private static byte[] header(TreeMap<String, Tensor> sorted, Map<String, String> metadata) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            Map<String, String> copy = new TreeMap<>(); // sorted too: a Map.of() iterates in a different order in every JVM
            metadata.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "metadata key"),
                    Objects.requireNonNull(v, "metadata value for '" + k + "'")));
            json.put(SafetensorsHeader.METADATA_KEY, copy);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            Tensor t = e.getValue();
            long end = offset + 4L * t.data().length;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", DType.F32.name());
            entry.put("shape", t.shape());
            entry.put("data_offsets", List.of(offset, end));
            json.put(e.getKey(), entry);
            offset = end;
        }
        byte[] raw = MAPPER.writeValueAsBytes(json);
        int padded = (raw.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(raw, padded);
        Arrays.fill(header, raw.length, padded, (byte) ' ');
        return header;
    }

    private static void writeFloats(OutputStream out, float[] data, ByteBuffer buffer) throws IOException {
        FloatBuffer floats = buffer.clear().asFloatBuffer();
        int perBlock = floats.capacity();
        for (int start = 0; start < data.length; start += perBlock) {
            int len = Math.min(perBlock, data.length - start);
            floats.clear();
            floats.put(data, start, len);
            out.write(buffer.array(), 0, len * 4);
        }
    }
}
