package io.openautoglm.onnx.quantize;

import java.util.Set;

/**
 * What {@link Int8Quantizer} rewrites and how.
 *
 * @param perColumn          one scale per output column of each weight (more accurate, same size) instead of one
 *                           scale per tensor
 * @param minWeightElements  weights with fewer elements stay fp32: their int8 saving is a few bytes, and the
 *                           quantize/dequantize nodes around them cost more time than the small product they speed up
 * @param excludedNodes      node names left fp32 whatever they are (a sensitive final projection, say)
 * @param kernel             which int8 operators the rewritten graph uses
 * @param quantizeEmbeddings also store large {@code Gather} tables (token embeddings) as int8 with one scale per row,
 *                           dequantizing only the rows looked up; without it a text tower keeps its largest
 *                           tensor in fp32 and the file cannot shrink to a third
 */
public record Int8Options(boolean perColumn, long minWeightElements, Set<String> excludedNodes, Kernel kernel,
        boolean quantizeEmbeddings) {

    /** The operators a quantized product becomes. */
    public enum Kernel {
        /**
         * Standard ONNX: {@code DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul} (bias {@code Add} after);
         * ONNX Runtime fuses the chain into its own kernel when graph optimization is on.
         */
        STANDARD,
        /** ONNX Runtime's contrib operator {@code com.microsoft.DynamicQuantizeMatMul}: one node per product. */
        CONTRIB
    }

    public Int8Options {
        if (minWeightElements < 0) {
            throw new IllegalArgumentException("minWeightElements must not be negative");
        }
        excludedNodes = excludedNodes == null ? Set.of() : Set.copyOf(excludedNodes);
        kernel = kernel == null ? Kernel.STANDARD : kernel;
    }

    /** Per-column scales, weights from 4,096 elements (a 64 x 64 matrix), standard operators, embeddings too. */
    public static Int8Options defaults() {
        return new Int8Options(true, 4096, Set.of(), Kernel.STANDARD, true);
    }

    public Int8Options withKernel(Kernel k) {
        return new Int8Options(perColumn, minWeightElements, excludedNodes, k, quantizeEmbeddings);
    }

    public Int8Options withExcludedNodes(Set<String> names) {
        return new Int8Options(perColumn, minWeightElements, names, kernel, quantizeEmbeddings);
    }

    public Int8Options withMinWeightElements(long n) {
        return new Int8Options(perColumn, n, excludedNodes, kernel, quantizeEmbeddings);
    }

    public Int8Options withPerColumn(boolean on) {
        return new Int8Options(on, minWeightElements, excludedNodes, kernel, quantizeEmbeddings);
    }
}
