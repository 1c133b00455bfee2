package io.openautoglm.onnx.quantize;

import static io.openautoglm.onnx.quantize.TestGraph.integer;
import static io.openautoglm.onnx.quantize.TestGraph.ints;
import static io.openautoglm.onnx.quantize.TestGraph.real;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/** The graphs the quantizer is tested on: an MLP and a transformer-like text block. */
final class TestModels {
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;
    static final int MLP_IN = 256;
    static final int MLP_OUT = 16;
    static final int VOCAB = 2000;
    static final int T = 8;
    static final int D = 128;
    static final int HEADS = 2;

    private TestModels() {}

    /**
     * x (B, 256) -> MatMul W1 (256, 512) + b1 -> Relu -> Gemm W2 stored (64, 512) with transB + b2 -> Relu
     * -> MatMul W3 (64, 16), a matrix below the default size limit -> y (B, 16).
     */
    static ModelProto mlp(long seed) {
        return new TestGraph(seed)
                .input("x", FLOAT, -1, MLP_IN)
                .weight("W1", 0.06f, MLP_IN, 512).weight("b1", 0.1f, 512)
                .weight("W2", 0.04f, 64, 512).weight("b2", 0.1f, 64)
                .weight("W3", 0.1f, 64, MLP_OUT)
                .namedNode("fc1", "MatMul", List.of("x", "W1"), "h1")
                .node("Add", List.of("h1", "b1"), "h1b")
                .node("Relu", List.of("h1b"), "a1")
                .namedNode("fc2", "Gemm", List.of("a1", "W2", "b2"), "h2", integer("transB", 1))
                .node("Relu", List.of("h2"), "a2")
                .namedNode("head", "MatMul", List.of("a2", "W3"), "y")
                .output("y", FLOAT, -1, MLP_OUT)
                .model(17);
    }

    /**
     * ids (B, T) -> token embedding Gather (V, D) + positions -> pre-norm block: LayerNormalization,
     * 2-head self-attention (q and v by MatMul on (D, D) weights, k through a Transpose of a weight
     * stored (out, in), scores and the weighted sum as activation-by-activation MatMuls, Softmax),
     * output projection, residual, LayerNormalization, MLP with x * sigmoid(1.702 x), residual -> (B, T, D).
     */
    static ModelProto textBlock(long seed) {
        TestGraph g = new TestGraph(seed)
                .input("ids", INT64, -1, T)
                .weight("tok", 0.02f, VOCAB, D).weight("pos", 0.01f, T, D)
                .floats("ln1_g", ones(D), D).weight("ln1_b", 0.02f, D)
                .floats("ln2_g", ones(D), D).weight("ln2_b", 0.02f, D)
                .weight("Wq", 0.09f, D, D).weight("bq", 0.02f, D)
                .weight("Wk_out_in", 0.09f, D, D).weight("bk", 0.02f, D)
                .weight("Wv", 0.09f, D, D).weight("bv", 0.02f, D)
                .weight("Wo", 0.09f, D, D).weight("bo", 0.02f, D)
                .weight("W1", 0.09f, D, 4 * D).weight("b1", 0.02f, 4 * D)
                .weight("W2", 0.045f, 4 * D, D).weight("b2", 0.02f, D)
                .longs("heads_shape", new long[] {0, 0, HEADS, D / HEADS}, 4)
                .longs("merged_shape", new long[] {0, 0, D}, 3)
                .floats("scale", new float[] {(float) (1 / Math.sqrt(D / HEADS))})
                .floats("gelu_k", new float[] {1.702f});
        g.node("Gather", List.of("tok", "ids"), "tok_e") // (B, T, D)
                .node("Add", List.of("tok_e", "pos"), "x0") // (B, T, D)
                .node("LayerNormalization", List.of("x0", "ln1_g", "ln1_b"), "n1", integer("axis", -1), real("epsilon", 1e-5f));
        projection(g, "q", "n1", "Wq", "bq");
        g.node("Transpose", List.of("Wk_out_in"), "Wk", ints("perm", 1, 0)) // (D, D) in -> out
                .namedNode("k_proj", "MatMul", List.of("n1", "Wk"), "k_mm").node("Add", List.of("k_mm", "bk"), "k");
        projection(g, "v", "n1", "Wv", "bv");
        for (String s : List.of("q", "k", "v")) {
            g.node("Reshape", List.of(s, "heads_shape"), s + "_h") // (B, T, H, Dh)
                    .node("Transpose", List.of(s + "_h"), s + "_t", ints("perm", 0, 2, 1, 3)); // (B, H, T, Dh)
        }
        g.node("Transpose", List.of("k_t"), "k_tt", ints("perm", 0, 1, 3, 2)) // (B, H, Dh, T)
                .node("MatMul", List.of("q_t", "k_tt"), "scores_raw") // (B, H, T, T)
                .node("Mul", List.of("scores_raw", "scale"), "scores")
                .node("Softmax", List.of("scores"), "attn", integer("axis", -1))
                .node("MatMul", List.of("attn", "v_t"), "ctx_t") // (B, H, T, Dh)
                .node("Transpose", List.of("ctx_t"), "ctx_h", ints("perm", 0, 2, 1, 3)) // (B, T, H, Dh)
                .node("Reshape", List.of("ctx_h", "merged_shape"), "ctx"); // (B, T, D)
        projection(g, "o", "ctx", "Wo", "bo");
        g.node("Add", List.of("x0", "o"), "x1")
                .node("LayerNormalization", List.of("x1", "ln2_g", "ln2_b"), "n2", integer("axis", -1), real("epsilon", 1e-5f));
        projection(g, "m1", "n2", "W1", "b1");
        g.node("Mul", List.of("m1", "gelu_k"), "m1k").node("Sigmoid", List.of("m1k"), "m1s")
                .node("Mul", List.of("m1", "m1s"), "m1a");
        projection(g, "m2", "m1a", "W2", "b2");
        return g.node("Add", List.of("x1", "m2"), "y").output("y", FLOAT, -1, T, D).model(17);
    }

    private static void projection(TestGraph g, String name, String in, String w, String b) {
        g.namedNode(name + "_proj", "MatMul", List.of(in, w), name + "_mm").node("Add", List.of(name + "_mm", b), name);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
