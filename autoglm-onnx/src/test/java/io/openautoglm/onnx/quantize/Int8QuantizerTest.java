package io.openautoglm.onnx.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.openautoglm.core.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The int8 pass on graphs built here, run in ONNX Runtime against their fp32 originals. */
class Int8QuantizerTest {
    private static final int BATCH = 6;

    @TempDir
    Path dir;

    @Test
    void mlpStaysCloseAndOnlyItsLargeWeightProductsBecomeInt8() throws Exception {
        ModelProto fp32 = TestModels.mlp(1);
        Int8Quantizer.Result r = Int8Quantizer.rewrite(fp32, Int8Options.defaults());
        float[] x = gaussian(BATCH * TestModels.MLP_IN, 2);
        float[] want = OrtRun.floats(fp32, "x", x, BATCH, TestModels.MLP_IN);
        float[] got = OrtRun.floats(r.model(), "x", x, BATCH, TestModels.MLP_IN);

        assertThat(OrtRun.minRowCosine(want, got, TestModels.MLP_OUT)).isGreaterThanOrEqualTo(0.99);
        assertThat(r.report().quantized()).containsExactly("MatMul fc1", "Gemm fc2");
        assertThat(r.report().leftFp32()).singleElement().asString().contains("head").contains("below");
        assertThat(ops(r.model())).contains("MatMulInteger", "DynamicQuantizeLinear").doesNotContain("Gemm");
        assertThat(initializerNames(r.model())).doesNotContain("W1", "W2").contains("W3", "b1", "b2");
        assertThat(r.report().sizeRatio()).isLessThanOrEqualTo(0.30);
    }

    @Test
    void transformerBlockStaysCloseAndItsFileShrinksToUnderAThird() throws Exception {
        ModelProto fp32 = TestModels.textBlock(3);
        Path in = dir.resolve("block.onnx");
        Path out = dir.resolve("block-int8.onnx");
        Files.write(in, fp32.toByteArray());
        Int8Report report = Int8Quantizer.quantize(in, out, Int8Options.defaults());
        ModelProto int8 = OnnxModelFiles.read(out);

        long[] ids = new Random(4).longs((long) BATCH * TestModels.T, 0, TestModels.VOCAB).toArray();
        float[] want = OrtRun.longs(fp32, "ids", ids, BATCH, TestModels.T);
        float[] got = OrtRun.longs(int8, "ids", ids, BATCH, TestModels.T);

        assertThat(OrtRun.minRowCosine(want, got, TestModels.T * TestModels.D)).isGreaterThanOrEqualTo(0.99);
        // Six weight products and the token table; the attention scores and weighted sum stay float MatMuls.
        assertThat(report.quantized()).hasSize(7).contains("Gather gather_0", "MatMul k_proj");
        assertThat(ops(int8).stream().filter("MatMul"::equals).count()).isEqualTo(2);
        assertThat(ops(int8)).contains("LayerNormalization", "Softmax");
        assertThat(initializerNames(int8)).doesNotContain("Wk_out_in", "tok");
        assertThat((double) Files.size(out) / Files.size(in)).isLessThanOrEqualTo(0.30);
        assertThat(report.bytesAfter()).isEqualTo(Files.size(out));
    }

    @Test
    void contribKernelGivesTheSameAnswers() throws Exception {
        ModelProto fp32 = TestModels.textBlock(5);
        ModelProto standard = Int8Quantizer.quantize(fp32, Int8Options.defaults());
        ModelProto contrib = Int8Quantizer.quantize(fp32, Int8Options.defaults().withKernel(Int8Options.Kernel.CONTRIB));
        long[] ids = new Random(6).longs((long) BATCH * TestModels.T, 0, TestModels.VOCAB).toArray();
        float[] want = OrtRun.longs(fp32, "ids", ids, BATCH, TestModels.T);
        float[] viaContrib = OrtRun.longs(contrib, "ids", ids, BATCH, TestModels.T);

        assertThat(ops(contrib)).contains("DynamicQuantizeMatMul").doesNotContain("MatMulInteger");
        assertThat(OrtRun.minRowCosine(want, viaContrib, TestModels.T * TestModels.D)).isGreaterThanOrEqualTo(0.99);
        float[] viaStandard = OrtRun.longs(standard, "ids", ids, BATCH, TestModels.T);
        assertThat(OrtRun.minRowCosine(viaStandard, viaContrib, TestModels.T * TestModels.D)).isGreaterThanOrEqualTo(0.999);
    }

    @Test
    void weightsHeldInConstantNodesAreQuantizedToo() throws Exception {
        ModelProto withInitializers = TestModels.mlp(14);
        ai.onnx.proto.OnnxMl.GraphProto.Builder g = withInitializers.getGraph().toBuilder().clearInitializer().clearNode();
        for (ai.onnx.proto.OnnxMl.TensorProto t : withInitializers.getGraph().getInitializerList()) {
            g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("const_" + t.getName()).addOutput(t.getName())
                    .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("value")
                            .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.TENSOR).setT(t)));
        }
        g.addAllNode(withInitializers.getGraph().getNodeList());
        ModelProto fp32 = withInitializers.toBuilder().setGraph(g).build();
        Int8Quantizer.Result r = Int8Quantizer.rewrite(fp32, Int8Options.defaults());
        assertThat(r.report().quantized()).containsExactly("MatMul fc1", "Gemm fc2");
        assertThat(r.model().getGraph().getNodeList()).extracting(NodeProto::getName).doesNotContain("const_W1", "const_W2")
                .contains("const_W3", "const_b1");
        float[] x = gaussian(BATCH * TestModels.MLP_IN, 15);
        assertThat(OrtRun.minRowCosine(OrtRun.floats(fp32, "x", x, BATCH, TestModels.MLP_IN),
                OrtRun.floats(r.model(), "x", x, BATCH, TestModels.MLP_IN), TestModels.MLP_OUT)).isGreaterThanOrEqualTo(0.99);
        assertThat(r.report().sizeRatio()).isLessThanOrEqualTo(0.30);
    }

    @Test
    void excludedNodesAndPerTensorScalesAreHonoured() throws Exception {
        ModelProto fp32 = TestModels.mlp(7);
        Int8Options o = Int8Options.defaults().withExcludedNodes(Set.of("fc2")).withPerColumn(false);
        Int8Quantizer.Result r = Int8Quantizer.rewrite(fp32, o);
        assertThat(r.report().quantized()).containsExactly("MatMul fc1");
        assertThat(r.report().leftFp32()).anyMatch(s -> s.startsWith("Gemm fc2") && s.contains("excluded"));
        assertThat(ops(r.model())).contains("Gemm");
        assertThat(r.model().getGraph().getInitializerList()).filteredOn(t -> t.getName().endsWith("_W_scale"))
                .singleElement().satisfies(t -> assertThat(t.getDimsCount()).isZero());
        float[] x = gaussian(BATCH * TestModels.MLP_IN, 8);
        assertThat(OrtRun.minRowCosine(OrtRun.floats(fp32, "x", x, BATCH, TestModels.MLP_IN),
                OrtRun.floats(r.model(), "x", x, BATCH, TestModels.MLP_IN), TestModels.MLP_OUT)).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void nonFloatWeightsAndComputedOperandsAreLeftAlone() throws Exception {
        ModelProto doubles = new TestGraph(9).input("x", ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE, -1, 128)
                .doubles("Wd", 128, 128).namedNode("double_mm", "MatMul", List.of("x", "Wd"), "y")
                .output("y", ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE, -1, 128).model(17);
        Int8Quantizer.Result r = Int8Quantizer.rewrite(doubles, Int8Options.defaults());
        assertThat(r.model()).isEqualTo(doubles);
        assertThat(r.report().leftFp32()).singleElement().asString().contains("not float32");

        ModelProto twoInputs = new TestGraph(10).input("a", TestModels.FLOAT, -1, 128).input("b", TestModels.FLOAT, 128, 128)
                .node("MatMul", List.of("a", "b"), "y").output("y", TestModels.FLOAT, -1, 128).model(17);
        assertThat(Int8Quantizer.quantize(twoInputs, Int8Options.defaults())).isEqualTo(twoInputs);

        ModelProto oldOpset = TestModels.mlp(11).toBuilder().setOpsetImport(0,
                ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(9)).build();
        Int8Quantizer.Result old = Int8Quantizer.rewrite(oldOpset, Int8Options.defaults());
        assertThat(old.model()).isEqualTo(oldOpset);
        assertThat(old.report().leftFp32()).singleElement().asString().contains("opset 9");
    }

    @Test
    void truncatedOrForeignFilesGiveOneClearLineAndWriteNothing() throws Exception {
        byte[] whole = TestModels.textBlock(12).toByteArray();
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "this is not a model\n");
        Path missing = dir.resolve("missing.onnx");
        for (Path bad : List.of(truncated, text, missing)) {
            Path out = dir.resolve("out-" + bad.getFileName());
            assertThatThrownBy(() -> Int8Quantizer.quantize(bad, out, Int8Options.defaults()))
                    .isInstanceOf(UserInputException.class)
                    .hasMessageContaining(bad.getFileName().toString())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void aFileCutAtAFieldBoundaryIsCaughtByTheStructureCheck() {
        ModelProto whole = TestModels.mlp(13);
        // Keep the nodes but lose the initializers: protobuf itself parses this without complaint.
        ModelProto cut = whole.toBuilder().setGraph(whole.getGraph().toBuilder().clearInitializer()).build();
        assertThat(OnnxModelFiles.problem(cut)).contains("reads W1, which nothing defines");
        assertThat(OnnxModelFiles.problem(whole)).isNull();
    }

    private static List<String> ops(ModelProto m) {
        return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private static List<String> initializerNames(ModelProto m) {
        return m.getGraph().getInitializerList().stream().map(t -> t.getName()).toList();
    }

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
