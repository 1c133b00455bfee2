package io.openautoglm.onnx.quantize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What one quantization pass did.
 *
 * @param quantized  the nodes rewritten to int8 ("MatMul q_proj", ...)
 * @param leftFp32   the candidate nodes left fp32, each with its reason
 * @param bytesBefore serialized size of the model given
 * @param bytesAfter  serialized size of the model returned
 */
public record Int8Report(List<String> quantized, List<String> leftFp32, long bytesBefore, long bytesAfter) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Int8Report {
        quantized = List.copyOf(quantized);
        leftFp32 = List.copyOf(leftFp32);
    }

    /** bytesAfter / bytesBefore. */
    public double sizeRatio() {
        return bytesBefore == 0 ? 1 : (double) bytesAfter / bytesBefore;
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("quantized_nodes", quantized.size());
        o.put("fp32_nodes_left", leftFp32.size());
        o.put("bytes_fp32", bytesBefore);
        o.put("bytes_int8", bytesAfter);
        o.put("size_ratio", Math.round(sizeRatio() * 10000) / 10000.0);
        return o;
    }
}
