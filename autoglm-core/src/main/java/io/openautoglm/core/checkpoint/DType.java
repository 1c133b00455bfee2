package io.openautoglm.core.checkpoint;

/**
 * Element types a safetensors header may name, spelled exactly as in the header. All are recognised
 * so that a checkpoint holding, say, I64 position ids still opens; only the floating-point types
 * we can widen losslessly to float32 are readable with {@link SafetensorsReader#readFloats}.
 */
public enum DType {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E5M2(1),
    F8_E4M3(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Whether {@link SafetensorsReader#readFloats} can return this type as float32. */
    public boolean readableAsFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The type for a header string, or {@code null} when the string names no type we know. */
    public static DType fromHeader(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
