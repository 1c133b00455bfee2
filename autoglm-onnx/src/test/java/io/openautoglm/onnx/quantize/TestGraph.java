package io.openautoglm.onnx.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Builds small ONNX graphs with the protobuf classes, for the quantizer's tests. */
final class TestGraph {
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private final Random random;
    private int nodes;

    TestGraph(long seed) {
        random = new Random(seed);
    }

    /** dims: a positive number is fixed, -1 a symbolic axis named by its position ("d0"). */
    TestGraph input(String name, int elemType, long... dims) {
        graph.addInput(valueInfo(name, elemType, dims));
        return this;
    }

    TestGraph output(String name, int elemType, long... dims) {
        graph.addOutput(valueInfo(name, elemType, dims));
        return this;
    }

    /** A float initializer of N(0, std^2) values. */
    TestGraph weight(String name, float std, long... dims) {
        float[] v = new float[(int) Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return floats(name, v, dims);
    }

    TestGraph floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        graph.addInitializer(tensor(name, TensorProto.DataType.FLOAT_VALUE, b.array(), dims));
        return this;
    }

    TestGraph doubles(String name, long... dims) {
        int n = (int) Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putDouble(random.nextGaussian() * 0.05);
        }
        graph.addInitializer(tensor(name, TensorProto.DataType.DOUBLE_VALUE, b.array(), dims));
        return this;
    }

    TestGraph longs(String name, long[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        graph.addInitializer(tensor(name, TensorProto.DataType.INT64_VALUE, b.array(), dims));
        return this;
    }

    TestGraph node(String op, List<String> inputs, String output, AttributeProto... attributes) {
        graph.addNode(NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_" + (nodes++))
                .addAllInput(inputs).addOutput(output).addAllAttribute(List.of(attributes)));
        return this;
    }

    TestGraph namedNode(String name, String op, List<String> inputs, String output, AttributeProto... attributes) {
        graph.addNode(NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output)
                .addAllAttribute(List.of(attributes)));
        return this;
    }

    ModelProto model(int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("autoglm-test").setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }

    static AttributeProto ints(String name, long... v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(Arrays.stream(v).boxed().toList()).build();
    }

    static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto real(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static TensorProto tensor(String name, int type, byte[] raw, long... dims) {
        return TensorProto.newBuilder().setName(name).setDataType(type).addAllDims(Arrays.stream(dims).boxed().toList())
                .setRawData(ByteString.copyFrom(raw)).build();
    }

    private static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            shape.addDim(dims[i] > 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i])
                    : TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
                .build();
    }
}
