package io.openautoglm.onnx.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.openautoglm.onnx.runtime.OnnxSessions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/** Runs a model proto in ONNX Runtime with one input and returns its first output, flattened. */
final class OrtRun {
    private OrtRun() {}

    static float[] floats(ModelProto model, String input, float[] x, long... shape) throws OrtException {
        OrtEnvironment env = OnnxSessions.environment();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
            return run(env, model, Map.of(input, t));
        }
    }

    static float[] longs(ModelProto model, String input, long[] x, long... shape) throws OrtException {
        OrtEnvironment env = OnnxSessions.environment();
        try (OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(x), shape)) {
            return run(env, model, Map.of(input, t));
        }
    }

    private static float[] run(OrtEnvironment env, ModelProto model, Map<String, OnnxTensor> inputs) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession s = env.createSession(model.toByteArray(), o); OrtSession.Result r = s.run(inputs)) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                FloatBuffer b = out.getFloatBuffer();
                float[] v = new float[b.remaining()];
                b.get(v);
                return v;
            }
        }
    }

    /** Cosine similarity of row r of two (rows, width) row-major matrices. */
    static double rowCosine(float[] a, float[] b, int width, int r) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = r * width; i < (r + 1) * width; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double minRowCosine(float[] a, float[] b, int width) {
        double min = 1;
        for (int r = 0; r < a.length / width; r++) {
            min = Math.min(min, rowCosine(a, b, width, r));
        }
        return min;
    }
}
