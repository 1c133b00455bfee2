package io.openautoglm.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, so tests can produce what our writer never would. */
final class RawSafetensors {
    static final Path HF = Path.of("src/test/resources/clip-parity/tiny-clip/hf/model.safetensors");
    static final Path OPENAI = Path.of("src/test/resources/clip-parity/tiny-clip/openai/model.safetensors");

    private RawSafetensors() {}

    /** A file whose header is {@code json} (length field matching it) followed by {@code data}. */
    static Path write(Path file, String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return write(file, header.length, header, data);
    }

    /** A file with an arbitrary declared header length, then {@code header} and {@code data} as given. */
    static Path write(Path file, long declaredLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(declaredLength).put(header).put(data);
        Files.write(file, buf.array());
        return file;
    }

    /** Little-endian 16-bit patterns as bytes. */
    static byte[] shorts(int... values) {
        ByteBuffer buf = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buf.putShort((short) v);
        }
        return buf.array();
    }

    /** A one-tensor header. */
    static String oneTensor(String name, String dtype, String shape, long begin, long end) {
        return "{\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[" + begin + "," + end + "]}}";
    }
}
