package io.openautoglm.core.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.UserInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses and validates the JSON header of a safetensors file. Nothing in the header is trusted until
 * it has been checked here: a bad offset would otherwise turn into a read outside the tensor, and a
 * wrong size into silently misaligned weights.
 */
final class SafetensorsHeader {
    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION) // a name given twice is ambiguous
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS); // only padding may follow

    final Map<String, TensorInfo> tensors;
    final Map<String, String> metadata;

    private SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * @param headerBytes the header JSON as stored (possibly padded with spaces)
     * @param dataStart   offset of the data region in the file (8 + header length)
     * @param fileSize    size of the whole file
     */
    static SafetensorsHeader parse(Path file, byte[] headerBytes, long dataStart, long fileSize) {
        JsonNode root = parseJson(file, headerBytes);
        Map<String, String> metadata = Map.of();
        Map<String, TensorInfo> byName = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                TensorInfo info = parseTensor(file, field.getKey(), field.getValue());
                byName.put(info.name(), info);
            }
        }
        checkWithinData(file, byName.values(), dataStart, fileSize);
        checkNoOverlap(file, byName.values());
        return new SafetensorsHeader(
                Collections.unmodifiableMap(new LinkedHashMap<>(byName)), metadata);
    }

    private static JsonNode parseJson(Path file, byte[] bytes) {
        String text;
        try {
            // Decode strictly first: Jackson would let some malformed sequences through.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail(file, "header is not valid UTF-8; this is not a safetensors file or it is corrupt");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw fail(file, "header is not valid JSON (" + String.valueOf(e.getOriginalMessage()).replace('\n', ' ')
                    + "); this is not a safetensors file or it is corrupt", e);
        }
        if (root == null || !root.isObject()) {
            throw fail(file, "header is not a JSON object; this is not a safetensors file or it is corrupt");
        }
        return root;
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw fail(file, "header entry '" + METADATA_KEY + "' must be an object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw fail(file, "metadata value '" + e.getKey() + "' must be a string, found "
                        + e.getValue().getNodeType().toString().toLowerCase());
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw fail(file, where + " must be an object with dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw fail(file, where + " has no dtype string");
        }
        DType dtype = DType.fromHeader(dtypeNode.textValue());
        if (dtype == null) {
            throw fail(file, where + " has unknown dtype '" + dtypeNode.textValue() + "'");
        }
        long[] shape = longArray(file, where, node.get("shape"), "shape", -1);
        long[] offsets = longArray(file, where, node.get("data_offsets"), "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw fail(file, where + " has data_offsets [" + begin + ", " + end + "] that end before they begin");
        }
        long expected;
        try {
            long count = 1;
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            expected = Math.multiplyExact(count, dtype.bytes());
        } catch (ArithmeticException e) {
            throw fail(file, where + " has a shape too large to address: " + Arrays.toString(shape));
        }
        if (end - begin != expected) {
            throw fail(file, where + " has " + (end - begin) + " bytes of data but shape "
                    + Arrays.toString(shape) + " of " + dtype + " needs " + expected);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers; {@code length} -1 means any length. */
    private static long[] longArray(Path file, String where, JsonNode node, String key, int length) {
        if (node == null || !node.isArray()) {
            throw fail(file, where + " has no " + key + " array");
        }
        if (length >= 0 && node.size() != length) {
            throw fail(file, where + " has " + key + " with " + node.size() + " entries, expected " + length);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw fail(file, where + " has " + key + " entry " + v + "; expected a non-negative integer");
            }
            values[i] = v.longValue();
        }
        return values;
    }

    private static void checkWithinData(Path file, Iterable<TensorInfo> tensors, long dataStart, long fileSize) {
        // Report the tensor reaching furthest: for a cut-short file that gives the true minimum size.
        TensorInfo furthest = null;
        for (TensorInfo t : tensors) {
            if (furthest == null || t.end() > furthest.end()) {
                furthest = t;
            }
        }
        long dataSize = fileSize - dataStart;
        if (furthest != null && furthest.end() > dataSize) {
            throw fail(file, "tensor '" + furthest.name() + "' ends at byte " + furthest.end()
                    + " but the data region has " + dataSize + " bytes (file truncated? expected at least "
                    + (dataStart + furthest.end()) + " bytes, found " + fileSize + ")");
        }
    }

    private static void checkNoOverlap(Path file, Iterable<TensorInfo> tensors) {
        List<TensorInfo> byBegin = new ArrayList<>();
        for (TensorInfo t : tensors) {
            if (t.byteSize() > 0) { // empty tensors occupy no bytes and may share an offset
                byBegin.add(t);
            }
        }
        byBegin.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < byBegin.size(); i++) {
            TensorInfo prev = byBegin.get(i - 1);
            TensorInfo cur = byBegin.get(i);
            if (cur.begin() < prev.end()) {
                throw fail(file, "tensors '" + prev.name() + "' [" + prev.begin() + ", " + prev.end()
                        + ") and '" + cur.name() + "' [" + cur.begin() + ", " + cur.end()
                        + ") overlap; the header is corrupt");
            }
        }
    }

    static UserInputException fail(Path file, String what) {
        return new UserInputException(file + ": " + what);
    }

    static UserInputException fail(Path file, String what, Throwable cause) {
        return new UserInputException(file + ": " + what, cause);
    }
}
