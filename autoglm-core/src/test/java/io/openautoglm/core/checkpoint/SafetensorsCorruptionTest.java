package io.openautoglm.core.checkpoint;

import static io.openautoglm.core.checkpoint.RawSafetensors.HF;
import static io.openautoglm.core.checkpoint.RawSafetensors.oneTensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a checkpoint can be broken gives one UserInputException naming the file and the fault. */
class SafetensorsCorruptionTest {
    @TempDir Path dir;

    private static AbstractThrowableAssert<?, ? extends Throwable> openFails(Path file) {
        return assertThatThrownBy(() -> SafetensorsReader.open(file).close())
                .isInstanceOf(UserInputException.class)
                .hasMessageStartingWith(file + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private Path raw(String json, int dataBytes) throws Exception {
        return RawSafetensors.write(dir.resolve("bad.safetensors"), json, new byte[dataBytes]);
    }

    @Test
    void truncatedRealCheckpoint() throws Exception {
        byte[] whole = Files.readAllBytes(HF);
        Path cut = Files.write(dir.resolve("model.safetensors"), Arrays.copyOf(whole, whole.length - 1000));
        // The furthest tensor ends exactly at the end of the original file (803196 bytes).
        openFails(cut).hasMessageContaining("file truncated")
                .hasMessageContaining("expected at least 803196 bytes, found 802196");
    }

    @Test
    void checkpointCutInsideTheHeader() throws Exception {
        byte[] whole = Files.readAllBytes(HF);
        Path cut = Files.write(dir.resolve("model.safetensors"), Arrays.copyOf(whole, 100));
        openFails(cut).hasMessageContaining("header length 8560 exceeds the 92 bytes")
                .hasMessageContaining("truncated");
    }

    @Test
    void absurdHeaderLength() throws Exception {
        Path f = RawSafetensors.write(dir.resolve("x.safetensors"), 1L << 40, new byte[0], new byte[64]);
        openFails(f).hasMessageContaining("header length 1099511627776 exceeds the limit of 100000000 bytes");
        // A u64 above 2^63 must not wrap to a negative number that passes the checks.
        Path g = RawSafetensors.write(dir.resolve("y.safetensors"), -1L, new byte[0], new byte[64]);
        openFails(g).hasMessageContaining("header length 18446744073709551615 exceeds");
    }

    @Test
    void fileShorterThanTheLengthField() throws Exception {
        openFails(Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3}))
                .hasMessageContaining("file has 3 bytes");
        openFails(Files.write(dir.resolve("empty.safetensors"), new byte[0])).hasMessageContaining("file has 0 bytes");
    }

    @Test
    void missingFileAndDirectory() {
        openFails(dir.resolve("nope.safetensors")).hasMessageContaining("no such file");
        openFails(dir).hasMessageContaining("is a directory");
    }

    @Test
    void headerThatIsNotJsonObjectOrUtf8() throws Exception {
        openFails(raw("{\"a\": {\"dtype\": ", 0)).hasMessageContaining("header is not valid JSON");
        openFails(raw("[1, 2]", 0)).hasMessageContaining("header is not a JSON object");
        openFails(raw("", 0)).hasMessageContaining("not a JSON object");
        openFails(raw("{} trailing", 0)).hasMessageContaining("header is not valid JSON");
        Path bad = RawSafetensors.write(dir.resolve("u.safetensors"), 4, new byte[] {'{', (byte) 0xC3, '}', ' '}, new byte[0]);
        openFails(bad).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void duplicateTensorName() throws Exception {
        String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        openFails(raw("{\"a\":" + entry + ",\"a\":" + entry + "}", 4)).hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void malformedEntries() throws Exception {
        openFails(raw("{\"a\": 3}", 0)).hasMessageContaining("tensor 'a' must be an object");
        openFails(raw("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4)).hasMessageContaining("tensor 'a' has no dtype");
        openFails(raw("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4)).hasMessageContaining("'a' has no shape array");
        openFails(raw(oneTensor("a", "F32", "[-1]", 0, 4), 4)).hasMessageContaining("shape entry -1");
        openFails(raw(oneTensor("a", "F32", "[1.5]", 0, 4), 4)).hasMessageContaining("shape entry 1.5");
        openFails(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4))
                .hasMessageContaining("data_offsets with 1 entries, expected 2");
        openFails(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0-4\"}}", 4))
                .hasMessageContaining("no data_offsets array");
        openFails(raw("{\"__metadata__\":{\"epochs\":3}}", 0)).hasMessageContaining("metadata value 'epochs' must be a string");
    }

    @Test
    void unknownDtype() throws Exception {
        openFails(raw(oneTensor("w", "F31", "[1]", 0, 4), 4)).hasMessageContaining("tensor 'w' has unknown dtype 'F31'");
    }

    @Test
    void offsetsOutOfRangeOrReversed() throws Exception {
        openFails(raw(oneTensor("w", "F32", "[4]", 100, 116), 16))
                .hasMessageContaining("tensor 'w' ends at byte 116 but the data region has 16 bytes");
        openFails(raw(oneTensor("w", "F32", "[1]", 8, 4), 16)).hasMessageContaining("end before they begin");
    }

    @Test
    void sizeDisagreesWithShape() throws Exception {
        openFails(raw(oneTensor("w", "F16", "[2,3]", 0, 24), 24))
                .hasMessageContaining("tensor 'w' has 24 bytes of data but shape [2, 3] of F16 needs 12");
        openFails(raw(oneTensor("w", "F32", "[4294967296,4294967296]", 0, 4), 4))
                .hasMessageContaining("too large");
    }

    @Test
    void overlappingTensors() throws Exception {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        openFails(raw(json, 20)).hasMessageContaining("tensors 'a' [0, 16) and 'b' [12, 20) overlap");
        // Adjacent and empty tensors are fine.
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        try (SafetensorsReader r = SafetensorsReader.open(raw(ok, 20))) {
            assertThat(r.tensors().keySet()).containsExactly("a", "b", "e");
        }
    }

    @Test
    void foreignFileIsRejectedByTheHeaderLength() throws Exception {
        Path png = Files.write(dir.resolve("photo.safetensors"),
                "\u0089PNG\r\n\u001a\n and some more bytes".getBytes(StandardCharsets.ISO_8859_1));
        openFails(png).hasMessageContaining("not a safetensors file");
    }
}
