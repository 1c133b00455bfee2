package io.openautoglm.core.checkpoint;

import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads a safetensors checkpoint: an 8-byte little-endian header length, a JSON header, then the
 * raw tensor bytes. The header is parsed and validated on {@link #open}; tensor bytes are
 * memory-mapped per tensor on demand, so opening a 10 GB checkpoint costs only its header and the
 * 2 GiB limit of one {@link ByteBuffer} applies to chunks, not to the file.
 *
 * <p>After {@code open} the reader is immutable; {@link #readFloats} may be called from several
 * threads at once (each call maps its own buffer).
 */
public final class SafetensorsReader implements AutoCloseable {
    /** Same cap as the reference implementation: a larger header means a corrupt or foreign file. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Largest mapping per step; a multiple of every element size so no element is split. */
    private static final int CHUNK_BYTES = 1 << 30;

    /** Elements widened per step for 16-bit types, to bound the scratch array. */
    private static final int HALF_BLOCK = 1 << 14;

    /** Largest array the JVM reliably allocates. */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, SafetensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = header.tensors;
        this.metadata = header.metadata;
    }

    /** Opens and validates {@code file}; throws {@link UserInputException} when it is missing or invalid. */
    public static SafetensorsReader open(Path file) {
        if (Files.isDirectory(file)) {
            throw SafetensorsHeader.fail(file, "is a directory; expected a .safetensors file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw SafetensorsHeader.fail(file, "no such file");
        } catch (IOException e) {
            throw SafetensorsHeader.fail(file, "cannot open: " + e.getMessage(), e);
        }
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw SafetensorsHeader.fail(file, "file has " + fileSize
                        + " bytes; a safetensors file starts with an 8-byte header length (empty or truncated file?)");
            }
            long headerLength = channel.map(FileChannel.MapMode.READ_ONLY, 0, 8)
                    .order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            // The length is an unsigned u64: a negative long is a value above 2^63.
            String shown = Long.toUnsignedString(headerLength);
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw SafetensorsHeader.fail(file, "header length " + shown + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes; this is not a safetensors file or it is corrupt");
            }
            if (headerLength > fileSize - 8) {
                throw SafetensorsHeader.fail(file, "header length " + shown + " exceeds the " + (fileSize - 8)
                        + " bytes after the length field (file truncated, or not a safetensors file)");
            }
            byte[] headerBytes = new byte[(int) headerLength];
            channel.map(FileChannel.MapMode.READ_ONLY, 8, headerLength).get(headerBytes);
            SafetensorsHeader header = SafetensorsHeader.parse(file, headerBytes, 8 + headerLength, fileSize);
            return new SafetensorsReader(file, channel, 8 + headerLength, header);
        } catch (IOException e) {
            closeQuietly(channel);
            throw SafetensorsHeader.fail(file, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** All tensors, ordered by name; unmodifiable. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__} strings, empty if the file has none; unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The header entry for {@code name}; {@link UserInputException} if the checkpoint lacks it. */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw SafetensorsHeader.fail(file, "has no tensor '" + name + "' (it has " + tensors.size()
                    + " tensors; is this checkpoint for a different model?)");
        }
        return info;
    }

    /** The tensor's elements in row-major order, widened to float32 from F32, F16 or BF16. */
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        DType dtype = info.dtype();
        if (!dtype.readableAsFloat()) {
            throw SafetensorsHeader.fail(file, "tensor '" + name + "' has dtype " + dtype
                    + "; only F32, F16 and BF16 can be read as floats");
        }
        long count = info.elementCount();
        if (count > MAX_ARRAY_LENGTH) {
            throw SafetensorsHeader.fail(file, "tensor '" + name + "' has " + count + " elements "
                    + Arrays.toString(info.shape()) + ", more than one Java array can hold");
        }
        float[] out = new float[(int) count];
        long position = dataStart + info.begin();
        long remaining = info.byteSize();
        int filled = 0;
        while (remaining > 0) {
            int chunk = (int) Math.min(remaining, CHUNK_BYTES);
            ByteBuffer bytes = map(name, position, chunk);
            int n = chunk / dtype.bytes();
            switch (dtype) {
                case F32 -> bytes.asFloatBuffer().get(out, filled, n);
                case F16, BF16 -> widen(bytes.asShortBuffer(), dtype == DType.BF16, out, filled, n);
                default -> throw new AssertionError(dtype); // excluded by readableAsFloat above
            }
            filled += n;
            position += chunk;
            remaining -= chunk;
        }
        return out;
    }

    private static void widen(ShortBuffer src, boolean bf16, float[] out, int offset, int n) {
        short[] block = new short[Math.min(n, HALF_BLOCK)];
        for (int done = 0; done < n; ) {
            int len = Math.min(block.length, n - done);
            src.get(block, 0, len);
            for (int i = 0; i < len; i++) {
                out[offset + done + i] = bf16 ? HalfFloats.bf16ToFloat(block[i]) : HalfFloats.f16ToFloat(block[i]);
            }
            done += len;
        }
    }

    private ByteBuffer map(String name, long position, int size) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, size).order(ByteOrder.LITTLE_ENDIAN);
        } catch (ClosedChannelException e) {
            throw new IllegalStateException(file + ": reader is closed", e);
        } catch (IOException e) {
            // Typically the file shrank after it was opened (another process rewrote it in place).
            throw SafetensorsHeader.fail(file, "cannot read tensor '" + name + "': " + e.getMessage()
                    + " (was the file changed after it was opened?)", e);
        }
    }

    /** Closes the file. Arrays already returned stay valid; later reads throw IllegalStateException. */
    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Read-only channel: nothing buffered can be lost.
        }
    }

    @Override
    public String toString() {
        return "SafetensorsReader[" + file + ", " + tensors.size() + " tensors]";
    }
}
