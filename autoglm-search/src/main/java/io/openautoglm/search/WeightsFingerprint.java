package io.openautoglm.search;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.checkpoint.TensorInfo;
import io.openautoglm.core.io.Sha256;
import java.io.BufferedInputStream;
import java.io.EOFException;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two fingerprints of a safetensors weights file, from one sequential read.
 *
 * <ul>
 *   <li>{@code fileSha256}: the file's bytes (what older indexes recorded);
 *   <li>{@code tensorsSha256}: the tensors alone: SHA-256 of the lines {@code name \0 dtype \0 [shape] \0
 *       sha256(data)} sorted by name. The same weights written again (another metadata order, another
 *       tensor order, a copy made by {@code autoglm convert}) give the same value; null when the file
 *       is not a safetensors layout we can read.
 * </ul>
 */
record WeightsFingerprint(String fileSha256, String tensorsSha256) {
    static WeightsFingerprint of(Path file) throws IOException {
        List<TensorInfo> tensors; // in file order
        try (SafetensorsReader reader = SafetensorsReader.open(file)) { // validates the header: offsets in range, no overlaps
            tensors = new ArrayList<>(reader.tensors().values());
            tensors.sort(Comparator.comparingLong(TensorInfo::begin));
        } catch (UserInputException e) {
            tensors = null; // not a safetensors file: the file hash alone
        }
        MessageDigest fileDigest = Sha256.newDigest();
        try (DigestInputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), fileDigest)) {
            String tensorsHash = tensors == null ? null : tensorsHash(in, tensors);
            in.transferTo(OutputStream.nullOutputStream()); // the rest counts for the file hash
            return new WeightsFingerprint(Sha256.hex(fileDigest), tensorsHash);
        }
    }

    /** Reads the file from its start in one pass, one digest per tensor, and combines them in name order. */
    private static String tensorsHash(InputStream in, List<TensorInfo> tensors) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long headerLength = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        feed(in, headerLength, null, buffer);
        long position = 0; // in the data region, where the offsets count from
        Map<String, String> lines = new TreeMap<>();
        for (TensorInfo t : tensors) {
            feed(in, t.begin() - position, null, buffer);
            MessageDigest data = Sha256.newDigest();
            feed(in, t.byteSize(), data, buffer);
            lines.put(t.name(), t.dtype().name() + "\0" + Arrays.toString(t.shape()) + "\0" + Sha256.hex(data));
            position = t.end();
        }
        MessageDigest all = Sha256.newDigest();
        lines.forEach((name, rest) -> all.update((name + "\0" + rest + "\n").getBytes(StandardCharsets.UTF_8)));
        return Sha256.hex(all);
    }

    /** Reads {@code n} bytes (through the file digest) into {@code digest}, or past them when it is null. */
    private static void feed(InputStream in, long n, MessageDigest digest, byte[] buffer) throws IOException {
        while (n > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (read < 0) {
                throw new EOFException("the weights file ended early (it changed while being read?)");
            }
            if (digest != null) {
                digest.update(buffer, 0, read);
            }
            n -= read;
        }
    }
}
