package io.openautoglm.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.openautoglm.core.EmbeddingRuntime;
import io.openautoglm.core.Vectors;
import io.openautoglm.onnx.graph.TowerGraphs;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link EmbeddingRuntime} on ONNX Runtime sessions: one for each tower, or one combined graph
 * (Optimum's model.onnx) fed a one-row dummy for the tower not asked for. Thread-safe (an
 * OrtSession runs concurrent calls); every tensor is closed before the call returns; the sessions
 * close with {@link #close()}, which {@code MultimodalModel.close()} calls.
 */
public final class OnnxEmbeddingRuntime implements EmbeddingRuntime, AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession image;
    private final OrtSession text; // the same object as image for a combined graph
    private final int imageSize;
    private final int dimension;
    private final long eosId;
    private final boolean textTakesMask;

    /**
     * @param image the session with pixel_values -> image_embeds
     * @param text the session with input_ids (and maybe attention_mask) -> text_embeds; may be {@code image}
     */
    public OnnxEmbeddingRuntime(OrtEnvironment env, OrtSession image, OrtSession text, int imageSize, int dimension, long eosId) {
        this.env = env;
        this.image = image;
        this.text = text;
        this.imageSize = imageSize;
        this.dimension = dimension;
        this.eosId = eosId;
        this.textTakesMask = text.getInputNames().contains(TowerGraphs.ATTENTION_MASK);
    }

    @Override
    public float[][] embedPixels(float[] pixels, int count, boolean normalize) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(TowerGraphs.PIXELS, OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels),
                    new long[] {count, 3, imageSize, imageSize})); // (B, 3, S, S)
            if (image == text) { // a combined graph wants a text too: one two-token row
                putText(inputs, new long[] {eosId, eosId}, 1, 2);
            }
            return run(image, inputs, TowerGraphs.IMAGE_EMBEDS, count, normalize); // (B, P)
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on the image tower: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public float[][] embedTokenIds(long[] ids, int count, int length, boolean normalize) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            putText(inputs, ids, count, length);
            if (image == text) { // a combined graph wants a picture too: one black one
                inputs.put(TowerGraphs.PIXELS, OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[3 * imageSize * imageSize]),
                        new long[] {1, 3, imageSize, imageSize}));
            }
            return run(text, inputs, TowerGraphs.TEXT_EMBEDS, count, normalize); // (B, P)
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on the text tower: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** input_ids (B, T), and for graphs that take one, Hugging Face's attention_mask: 1 up to each row's first end token. */
    private void putText(Map<String, OnnxTensor> inputs, long[] ids, int count, int length) throws OrtException {
        long[] shape = {count, length};
        inputs.put(TowerGraphs.IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape)); // (B, T)
        if (textTakesMask) {
            long[] mask = new long[ids.length]; // (B, T)
            for (int r = 0; r < count; r++) {
                boolean ended = false;
                for (int c = 0; c < length; c++) {
                    mask[r * length + c] = ended ? 0 : 1;
                    ended |= ids[r * length + c] == eosId;
                }
            }
            inputs.put(TowerGraphs.ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        }
    }

    private float[][] run(OrtSession session, Map<String, OnnxTensor> inputs, String output, int count, boolean normalize)
            throws OrtException {
        try (OrtSession.Result result = session.run(inputs, java.util.Set.of(output))) {
            OnnxValue value = result.get(output).orElseThrow();
            float[] flat = ((OnnxTensor) value).getFloatBuffer().array(); // (B, P) row-major
            float[][] rows = Vectors.toRows(flat, count); // B rows of P
            if (normalize) {
                for (float[] row : rows) {
                    l2NormalizeInPlace(row);
                }
            }
            return rows;
        }
    }

    private static void l2NormalizeInPlace(float[] row) {
        double sum = 0;
        for (float v : row) {
            sum += (double) v * v;
        }
        float inv = (float) (1.0 / Math.sqrt(sum));
        for (int i = 0; i < row.length; i++) {
            row[i] *= inv;
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String name() {
        return "ONNX Runtime " + env.getVersion();
    }

    @Override
    public void close() throws OrtException {
        try {
            image.close();
        } finally {
            if (text != image) {
                text.close();
            }
        }
    }
}
