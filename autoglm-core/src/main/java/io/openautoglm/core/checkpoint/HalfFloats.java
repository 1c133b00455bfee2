package io.openautoglm.core.checkpoint;

/**
 * Widening of 16-bit floats to float32. {@code Float.float16ToFloat} only arrived in Java 20 and our
 * baseline is 17, so F16 is decoded here; both conversions are exact (every F16 and BF16 value,
 * subnormals, infinities and NaN payloads included, has a float32 twin).
 */
final class HalfFloats {
    private HalfFloats() {}

    // All 65536 F16 patterns, decoded once (256 KiB): a lookup beats branching in the hot loop that
    // widens large checkpoints.
    private static final float[] F16_TABLE = new float[1 << 16];

    static {
        for (int h = 0; h < F16_TABLE.length; h++) {
            F16_TABLE[h] = decodeF16(h);
        }
    }

    /** IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to float32. */
    static float f16ToFloat(short h) {
        return F16_TABLE[h & 0xffff];
    }

    /** bfloat16 is the upper half of a float32, so widening is a shift. */
    static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    private static float decodeF16(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            // Infinity (mantissa 0) or NaN; keep the payload in the top mantissa bits.
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: value = mantissa * 2^-24, exact in float32.
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        // Normal: rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
