package io.openautoglm.onnx.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dynamic int8 quantization of an ONNX graph's weight products, written from Java.
 *
 * <p>A {@code MatMul} whose B is a float initializer (directly, or through a 2-D {@code Transpose}),
 * and a {@code Gemm} without transA/alpha/beta, becomes: weights stored int8 with symmetric scales
 * (per column or per tensor), the activation quantized at run time ({@code DynamicQuantizeLinear},
 * uint8 with its own scale and zero point), an integer product, and one float multiply by the two
 * scales; a bias stays a float {@code Add}. Large {@code Gather} tables (token embeddings) are stored
 * int8 per row and only the rows looked up are scaled back. Everything else (normalization,
 * softmax, activation-by-activation products such as attention scores, small matrices, names
 * excluded by option) stays fp32, and a graph with nothing to quantize comes back unchanged.
 */
public final class Int8Quantizer {
    static final String MS_DOMAIN = "com.microsoft";
    private static final int MIN_OPSET = 11; // DynamicQuantizeLinear

    private Int8Quantizer() {}

    /** The quantized model and what was done. */
    public record Result(ModelProto model, Int8Report report) {}

    /** ModelProto -> ModelProto. */
    public static ModelProto quantize(ModelProto model, Int8Options options) {
        return rewrite(model, options).model();
    }

    /**
     * Reads an ONNX file, quantizes it and writes the result atomically (temporary name, fsync,
     * rename). A file that is not a whole ONNX model is one clear {@link io.openautoglm.core.UserInputException}.
     */
    public static Int8Report quantize(Path in, Path out, Int8Options options) throws IOException {
        ModelProto model = OnnxModelFiles.read(in);
        Result r = rewrite(model, options);
        OnnxModelFiles.write(out, r.model());
        return r.report();
    }

    /** The rewrite, with its report. */
    public static Result rewrite(ModelProto model, Int8Options options) {
        long before = model.getSerializedSize();
        List<String> done = new ArrayList<>();
        List<String> left = new ArrayList<>();
        long opset = defaultOpset(model);
        if (opset < MIN_OPSET) {
            left.add("whole graph: opset " + opset + " is below " + MIN_OPSET + " (DynamicQuantizeLinear)");
            return new Result(model, new Int8Report(done, left, before, before));
        }
        GraphProto graph = model.getGraph();
        Rewriter rw = new Rewriter(graph, options, done, left);
        GraphProto rewritten = rw.run();
        if (done.isEmpty()) {
            return new Result(model, new Int8Report(done, left, before, before));
        }
        ModelProto.Builder b = model.toBuilder().setGraph(rewritten);
        if (options.kernel() == Int8Options.Kernel.CONTRIB
                && model.getOpsetImportList().stream().noneMatch(o -> MS_DOMAIN.equals(o.getDomain()))) {
            b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
        }
        ModelProto out = b.build();
        return new Result(out, new Int8Report(done, left, before, out.getSerializedSize()));
    }

    static long defaultOpset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || "ai.onnx".equals(o.getDomain())) {
                return o.getVersion();
            }
        }
        return 0;
    }

    /** One pass over one graph (subgraphs of If/Loop are left as they are). */
    private static final class Rewriter {
        private final GraphProto graph;
        private final Int8Options options;
        private final List<String> done;
        private final List<String> left;
        private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
        private final Map<String, NodeProto> producers = new HashMap<>();
        private final Map<String, TensorProto> constants = new HashMap<>(); // Constant nodes' tensors, by output
        private final List<TensorProto> added = new ArrayList<>();
        private final Set<String> usedNames = new HashSet<>();
        private int counter;

        Rewriter(GraphProto graph, Int8Options options, List<String> done, List<String> left) {
            this.graph = graph;
            this.options = options;
            this.done = done;
            this.left = left;
            graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
            for (NodeProto n : graph.getNodeList()) {
                n.getOutputList().forEach(o -> producers.put(o, n));
                if (n.getOpType().equals("Constant") && n.getDomain().isEmpty()) {
                    // Exporters that trace weights as constants (TorchScript on closures, some converters) put them here.
                    n.getAttributeList().stream().filter(a -> a.getName().equals("value") && a.hasT()).findFirst()
                            .ifPresent(a -> constants.put(n.getOutput(0), a.getT().toBuilder().setName(n.getOutput(0)).build()));
                }
                usedNames.addAll(n.getOutputList());
                usedNames.add(n.getName());
            }
            usedNames.addAll(initializers.keySet());
            graph.getInputList().forEach(i -> usedNames.add(i.getName()));
        }

        GraphProto run() {
            List<NodeProto> nodes = new ArrayList<>();
            for (NodeProto n : graph.getNodeList()) {
                List<NodeProto> replacement = switch (n.getOpType()) {
                    case "MatMul", "Gemm" -> n.getDomain().isEmpty() ? product(n) : null;
                    case "Gather" -> n.getDomain().isEmpty() && options.quantizeEmbeddings() ? embedding(n) : null;
                    default -> null;
                };
                if (replacement == null) {
                    nodes.add(n);
                } else {
                    nodes.addAll(replacement);
                }
            }
            return prune(nodes);
        }

        /** MatMul/Gemm with a float weight initializer -> the int8 chain; null (with a reason) to keep it. */
        private List<NodeProto> product(NodeProto n) {
            String what = n.getOpType() + " " + label(n);
            if (n.getInputCount() < 2) {
                return null;
            }
            boolean transposed = false;
            String bias = null;
            if (n.getOpType().equals("Gemm")) {
                if (intAttr(n, "transA", 0) != 0 || floatAttr(n, "alpha", 1f) != 1f || floatAttr(n, "beta", 1f) != 1f) {
                    left.add(what + ": transA, alpha or beta is not the default");
                    return null;
                }
                transposed = intAttr(n, "transB", 0) != 0;
                bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? n.getInput(2) : null;
            }
            Weight w = weight(n.getInput(1), transposed);
            if (w == null) {
                return null; // B is computed (attention scores, say): an activation product, not ours to quantize
            }
            if (!w.isFloat) {
                left.add(what + ": weight " + n.getInput(1) + " is not float32");
                return null;
            }
            if (options.excludedNodes().contains(n.getName())) {
                left.add(what + ": excluded by option");
                return null;
            }
            if ((long) w.k * w.n < options.minWeightElements()) {
                left.add(what + ": weight of " + (long) w.k * w.n + " elements is below " + options.minWeightElements());
                return null;
            }
            SymmetricInt8.Quantized q = SymmetricInt8.columns(w.values, w.k, w.n, options.perColumn());
            String base = fresh(n.getOutput(0));
            String qName = base + "_W_int8";
            String sName = base + "_W_scale";
            String zName = base + "_W_zero";
            long[] scaleDims = options.perColumn() ? new long[] {w.n} : new long[0];
            added.add(OnnxTensors.int8(qName, q.values(), w.k, w.n));
            added.add(OnnxTensors.float32(sName, options.perColumn() ? q.scales() : new float[] {q.scales()[0]}, scaleDims));
            added.add(OnnxTensors.int8(zName, new byte[options.perColumn() ? w.n : 1], scaleDims));
            String y = n.getOutput(0);
            String product = bias == null ? y : base + "_nobias";
            List<NodeProto> out = new ArrayList<>();
            if (options.kernel() == Int8Options.Kernel.CONTRIB) {
                out.add(node("DynamicQuantizeMatMul", MS_DOMAIN, base + "_dqmm", List.of(n.getInput(0), qName, sName, zName),
                        List.of(product)));
            } else {
                String aq = base + "_A_uint8";
                String as = base + "_A_scale";
                String az = base + "_A_zero";
                String i32 = base + "_int32";
                String f32 = base + "_float";
                String scale = base + "_scale";
                out.add(node("DynamicQuantizeLinear", "", base + "_quant", List.of(n.getInput(0)), List.of(aq, as, az)));
                out.add(node("MatMulInteger", "", base + "_matmul", List.of(aq, qName, az, zName), List.of(i32)));
                out.add(NodeProto.newBuilder(node("Cast", "", base + "_cast", List.of(i32), List.of(f32)))
                        .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                                .setI(TensorProto.DataType.FLOAT_VALUE))
                        .build());
                out.add(node("Mul", "", base + "_scales", List.of(as, sName), List.of(scale)));
                out.add(node("Mul", "", base + "_rescale", List.of(f32, scale), List.of(product)));
            }
            if (bias != null) {
                out.add(node("Add", "", base + "_bias", List.of(product, bias), List.of(y)));
            }
            done.add(what);
            return out;
        }

        /** Gather over a large float (V, D) table on axis 0 -> int8 rows, each scaled back after the lookup. */
        private List<NodeProto> embedding(NodeProto n) {
            String what = "Gather " + label(n);
            TensorProto t = stored(n.getInput(0));
            if (t == null || t.getDimsCount() != 2 || intAttr(n, "axis", 0) != 0) {
                return null;
            }
            if (!OnnxTensors.isFloat(t)) {
                return null; // index tables (shapes, ids): nothing to gain
            }
            if (OnnxTensors.isExternal(t)) {
                left.add(what + ": table " + t.getName() + " lives in external data");
                return null;
            }
            if (options.excludedNodes().contains(n.getName())) {
                left.add(what + ": excluded by option");
                return null;
            }
            if (OnnxTensors.elements(t) < options.minWeightElements()) {
                left.add(what + ": table of " + OnnxTensors.elements(t) + " elements is below " + options.minWeightElements());
                return null;
            }
            int v = (int) t.getDims(0);
            int d = (int) t.getDims(1);
            SymmetricInt8.Quantized q = SymmetricInt8.rows(OnnxTensors.floats(t), v, d);
            String base = fresh(n.getOutput(0));
            String qName = base + "_table_int8";
            String sName = base + "_row_scale";
            added.add(OnnxTensors.int8(qName, q.values(), v, d));
            added.add(OnnxTensors.float32(sName, q.scales(), v, 1));
            String ids = n.getInput(1);
            List<NodeProto> out = new ArrayList<>();
            out.add(node("Gather", "", base + "_rows", List.of(qName, ids), List.of(base + "_rows_int8"))); // (..., D)
            out.add(NodeProto.newBuilder(node("Cast", "", base + "_cast", List.of(base + "_rows_int8"), List.of(base + "_rows_float")))
                    .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                            .setI(TensorProto.DataType.FLOAT_VALUE))
                    .build());
            out.add(node("Gather", "", base + "_scales", List.of(sName, ids), List.of(base + "_rows_scale"))); // (..., 1)
            out.add(node("Mul", "", base + "_rescale", List.of(base + "_rows_float", base + "_rows_scale"),
                    List.of(n.getOutput(0)))); // (..., D)
            done.add(what);
            return out;
        }

        /** The weight behind a product's B: an initializer, or a 2-D Transpose of one; null when computed. */
        private Weight weight(String name, boolean transposed) {
            TensorProto t = stored(name);
            if (t == null) {
                NodeProto p = producers.get(name);
                if (p == null || !p.getOpType().equals("Transpose") || !p.getDomain().isEmpty()) {
                    return null;
                }
                t = stored(p.getInput(0));
                List<Long> perm = intsAttr(p, "perm");
                if (t == null || t.getDimsCount() != 2 || !(perm.isEmpty() || perm.equals(List.of(1L, 0L)))) {
                    return null;
                }
                transposed = !transposed;
            }
            if (t.getDimsCount() != 2) {
                return null; // batched weights are not a plain (K, N) product
            }
            if (!OnnxTensors.isFloat(t) || OnnxTensors.isExternal(t)) {
                return new Weight(null, 0, 0, false);
            }
            int rows = (int) t.getDims(0);
            int cols = (int) t.getDims(1);
            float[] values = OnnxTensors.floats(t);
            return transposed
                    ? new Weight(SymmetricInt8.transpose(values, rows, cols), cols, rows, true) // stored (N, K)
                    : new Weight(values, rows, cols, true); // stored (K, N)
        }

        /** An initializer or a Constant node's tensor of that name; null when the value is computed. */
        private TensorProto stored(String name) {
            TensorProto t = initializers.get(name);
            return t != null ? t : constants.get(name);
        }

        /** Drops initializers, Constant nodes and weight Transposes that nothing reads any more; adds the new weights. */
        private GraphProto prune(List<NodeProto> nodes) {
            boolean changed = true;
            while (changed) {
                changed = false;
                Set<String> read = reads(nodes);
                for (int i = nodes.size() - 1; i >= 0; i--) {
                    NodeProto n = nodes.get(i);
                    boolean weightNode = (n.getOpType().equals("Transpose") && stored(n.getInput(0)) != null)
                            || (n.getOpType().equals("Constant") && constants.containsKey(n.getOutput(0)));
                    if (weightNode && n.getOutputList().stream().noneMatch(read::contains)) {
                        nodes.remove(i);
                        changed = true;
                    }
                }
            }
            Set<String> read = reads(nodes);
            GraphProto.Builder b = graph.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
            for (TensorProto t : graph.getInitializerList()) {
                if (read.contains(t.getName())) {
                    b.addInitializer(t);
                }
            }
            b.addAllInitializer(added);
            // A graph input that only named a dropped initializer (old exporters list both) goes too.
            List<ValueInfoProto> inputs = new ArrayList<>();
            for (ValueInfoProto in : graph.getInputList()) {
                if (!initializers.containsKey(in.getName()) || read.contains(in.getName())) {
                    inputs.add(in);
                }
            }
            return b.clearInput().addAllInput(inputs).build();
        }

        private Set<String> reads(List<NodeProto> nodes) {
            Set<String> read = new HashSet<>();
            nodes.forEach(n -> read.addAll(n.getInputList()));
            graph.getOutputList().forEach(o -> read.add(o.getName()));
            return read;
        }

        private String fresh(String output) {
            String base = output.replaceAll("[^A-Za-z0-9_./:-]", "_") + "_q";
            String name = base;
            while (usedNames.contains(name)) {
                name = base + (++counter);
            }
            usedNames.add(name);
            return name;
        }

        private static String label(NodeProto n) {
            return n.getName().isEmpty() ? "-> " + n.getOutput(0) : n.getName();
        }
    }

    private record Weight(float[] values, int k, int n, boolean isFloat) {}

    static NodeProto node(String op, String domain, String name, List<String> inputs, List<String> outputs) {
        return NodeProto.newBuilder().setOpType(op).setDomain(domain).setName(name).addAllInput(inputs)
                .addAllOutput(outputs).build();
    }

    private static long intAttr(NodeProto n, String name, long otherwise) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(AttributeProto::getI).orElse(otherwise);
    }

    private static float floatAttr(NodeProto n, String name, float otherwise) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(AttributeProto::getF).orElse(otherwise);
    }

    private static List<Long> intsAttr(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(AttributeProto::getIntsList).orElse(List.of());
    }
}
