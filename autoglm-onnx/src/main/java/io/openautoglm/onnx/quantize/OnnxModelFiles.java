package io.openautoglm.onnx.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Reading and writing whole ONNX model files. Protobuf parses many byte strings that are not ONNX
 * (and a file cut at a field boundary parses too), so a read also checks that the result is a
 * model whose every node input is defined; any failure is one clear line naming the file.
 */
public final class OnnxModelFiles {
    private static final long PROTOBUF_LIMIT = Integer.MAX_VALUE; // one message is at most 2 GiB

    private OnnxModelFiles() {}

    public static ModelProto read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) >= PROTOBUF_LIMIT) {
                throw new UserInputException(file + " is 2 GiB or more: ONNX files with external data are not supported here");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserInputException("no such ONNX file: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new UserInputException(file + " is not an ONNX model or is truncated (" + e.getMessage()
                    + "); export it again");
        }
        String problem = problem(model);
        if (problem != null) {
            throw new UserInputException(file + " is not a whole ONNX model (" + problem + "): truncated or not ONNX; export it again");
        }
        return model;
    }

    /** Atomically: temporary sibling, fsync, rename. */
    public static void write(Path file, ModelProto model) throws IOException {
        AtomicFiles.write(file, model::writeTo);
    }

    /** Null when the model looks whole; otherwise what is wrong with it. */
    static String problem(ModelProto model) {
        if (model.getIrVersion() <= 0) {
            return "no ir_version";
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            return "no graph nodes";
        }
        if (model.getOpsetImportCount() == 0) {
            return "no opset_import";
        }
        GraphProto g = model.getGraph();
        if (g.getOutputCount() == 0) {
            return "the graph has no outputs";
        }
        Set<String> defined = new HashSet<>();
        defined.add("");
        g.getInputList().stream().map(ValueInfoProto::getName).forEach(defined::add);
        g.getInitializerList().stream().map(TensorProto::getName).forEach(defined::add);
        for (TensorProto t : g.getInitializerList()) {
            if (OnnxTensors.isExternal(t)) {
                return "initializer " + t.getName() + " lives in an external data file, which is not supported here";
            }
        }
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!defined.contains(in)) {
                    return "node " + (n.getName().isEmpty() ? n.getOpType() : n.getName()) + " reads " + in
                            + ", which nothing defines";
                }
            }
            defined.addAll(n.getOutputList());
        }
        for (ValueInfoProto o : g.getOutputList()) {
            if (!defined.contains(o.getName())) {
                return "graph output " + o.getName() + " is never computed";
            }
        }
        return null;
    }
}
