package io.openautoglm.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two fingerprints of a safetensors weights file, from one sequential read.
 *
 * <ul>
 *   <li>{@code fileSha256}: the file's bytes (what older indexes recorded);
 *   <li>{@code tensorsSha256}: the tensors alone: SHA-256 of the lines {@code name \0 dtype \0 shape \0
 *       sha256(data)} sorted by name. The same weights written again (another metadata order, another
 *       tensor order, a copy made by {@code autoglm convert}) give the same value; null when the file
 *       is not a safetensors layout we can read.
 * </ul>
 */
record WeightsFingerprint(String fileSha256, String tensorsSha256) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER_BYTES = 100L << 20;

    static WeightsFingerprint of(Path file) throws IOException {
        MessageDigest fileDigest = sha256();
        try (DigestInputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), fileDigest)) {
            String tensors = null;
            byte[] length = in.readNBytes(8);
            if (length.length == 8) {
                long n = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
                if (n > 0 && n <= MAX_HEADER_BYTES) {
                    byte[] header = in.readNBytes((int) n);
                    if (header.length == n) {
                        tensors = tensorsHash(header, in);
                    }
                }
            }
            in.transferTo(OutputStream.nullOutputStream()); // the rest counts for the file hash
            return new WeightsFingerprint(HexFormat.of().formatHex(fileDigest.digest()), tensors);
        }
    }

    private record Entry(String name, String dtype, String shape, long begin, long end) {}

    /** Reads the data region in file order, one digest per tensor; null for a header we do not understand. */
    private static String tensorsHash(byte[] header, InputStream in) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) root::fields) {
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = f.getValue();
            JsonNode offsets = t.path("data_offsets");
            if (!t.path("dtype").isTextual() || !t.path("shape").isArray() || offsets.size() != 2) {
                return null;
            }
            List<String> dims = new ArrayList<>();
            t.path("shape").forEach(d -> dims.add(d.asText()));
            long begin = offsets.get(0).asLong();
            long end = offsets.get(1).asLong();
            if (begin < 0 || end < begin) {
                return null;
            }
            entries.add(new Entry(f.getKey(), t.path("dtype").asText(), String.join(",", dims), begin, end));
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        Map<String, String> lines = new TreeMap<>();
        byte[] buffer = new byte[1 << 16];
        long position = 0;
        for (Entry e : entries) {
            if (e.begin() < position || !feed(in, e.begin() - position, null, buffer)) {
                return null; // overlapping tensors, or the file ends early
            }
            MessageDigest data = sha256();
            if (!feed(in, e.end() - e.begin(), data, buffer)) {
                return null;
            }
            lines.put(e.name(), e.dtype() + "\0" + e.shape() + "\0" + HexFormat.of().formatHex(data.digest()));
            position = e.end();
        }
        MessageDigest all = sha256();
        lines.forEach((name, rest) -> all.update((name + "\0" + rest + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(all.digest());
    }

    /** Reads {@code n} bytes (through the file digest) into {@code digest}, or discards them when it is null; false at an early end. */
    private static boolean feed(InputStream in, long n, MessageDigest digest, byte[] buffer) throws IOException {
        while (n > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (read < 0) {
                return false;
            }
            if (digest != null) {
                digest.update(buffer, 0, read);
            }
            n -= read;
        }
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
