package io.openautoglm.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes one ONNX graph node by node: inputs and outputs with symbolic or fixed dimensions, weights
 * as initializers (raw little-endian data), and nodes whose outputs get fresh names. Knows no model;
 * {@link TowerGraphs} says what to build.
 */
public final class GraphBuilder {
    /** The opsets we write: 17 is the first with LayerNormalization; up to 21 nothing we use changes meaning. */
    public static final int MIN_OPSET = 17;
    public static final int MAX_OPSET = 21;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int counter;

    public GraphBuilder(String name) {
        graph.setName(name);
    }

    /** A graph input; each dimension a Long (fixed) or a String (symbolic, e.g. "batch_size"). */
    public String input(String name, TensorProto.DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    /** Names {@code value} as the graph output {@code name} (an Identity node when they differ). */
    public void output(String name, String value, TensorProto.DataType type, Object... dims) {
        if (!name.equals(value)) {
            graph.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(value).addOutput(name).setName(name + "/Identity"));
        }
        graph.addOutput(valueInfo(name, type, dims));
    }

    /** A float32 initializer of this shape, row-major. */
    public String weight(String name, float[] data, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": " + data.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        ByteBuffer bytes = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : shape) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** A float32 scalar constant. */
    public String scalar(String name, float value) {
        return weight(fresh(name), new float[] {value});
    }

    /** An int64 constant vector (shapes, axes, indices); a rank-0 scalar when {@code scalar}. */
    public String longs(String name, boolean scalar, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(fresh(name)).setDataType(TensorProto.DataType.INT64.getNumber());
        if (!scalar) {
            t.addDims(values.length);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return t.getName();
    }

    /** An int32 scalar constant. */
    public String int32Scalar(String name, int value) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(fresh(name)).setDataType(TensorProto.DataType.INT32.getNumber())
                .addInt32Data(value);
        graph.addInitializer(t);
        return t.getName();
    }

    /** One node with one output, named after {@code hint}; returns that output's name. */
    public String node(String op, String hint, List<String> inputs, AttributeProto... attributes) {
        return nodeOutputs(op, hint, inputs, 1, attributes)[0];
    }

    /** One node with {@code outputs} outputs. */
    public String[] nodeOutputs(String op, String hint, List<String> inputs, int outputs, AttributeProto... attributes) {
        String base = fresh(hint);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(base);
        inputs.forEach(n::addInput);
        String[] names = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            names[i] = outputs == 1 ? base : base + ":" + i;
            n.addOutput(names[i]);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return names;
    }

    public static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto attrInts(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** The model: this graph, the default ONNX domain at {@code opset}, and string metadata. */
    public ModelProto build(int opset, String producerVersion, Map<String, String> metadata) {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new io.openautoglm.core.UserInputException("--opset " + opset + " is not supported: we write opsets "
                    + MIN_OPSET + " to " + MAX_OPSET + " (17 is the first with LayerNormalization)");
        }
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(opset <= 18 ? 8 : opset <= 20 ? 9 : 10) // the IR version that came with each opset
                .setProducerName("open-autoglm")
                .setProducerVersion(producerVersion)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph);
        metadata.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    private String fresh(String hint) {
        return hint + "_" + (counter++);
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        TypeProto.Builder t = TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape));
        return ValueInfoProto.newBuilder().setName(name).setType(t).build();
    }

    /** For tests and diagnostics: the op types in node order. */
    public List<String> opTypes() {
        List<String> ops = new ArrayList<>();
        graph.getNodeList().forEach(n -> ops.add(n.getOpType()));
        return ops;
    }
}
