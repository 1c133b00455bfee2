package io.openautoglm.onnx.prune;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.ClipConfig.TextConfig;
import io.openautoglm.core.model.clip.ClipConfig.VisionConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Structured pruning of our CLIP towers: removes whole attention heads and MLP channels, so the
 * result is a smaller dense model that every backend runs faster (no sparse kernels needed).
 *
 * <p>Importance comes from the weights alone (no data): an MLP channel j scores
 * ||fc1.weight[j, :]|| x ||fc2.weight[:, j]|| (how much it reads times how much it writes back), a
 * head h scores ||v_proj rows of h||_F x ||out_proj columns of h||_F (the value path, which carries
 * what the head adds to the residual stream; q and k only steer where it looks). Every layer keeps
 * the same number of heads and channels, the top scorers of that layer, because our config holds
 * one {@code num_attention_heads}, {@code head_dim} and {@code intermediate_size} per tower; which
 * ones are kept differs per layer.
 */
public final class StructuredPruner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StructuredPruner() {}

    /**
     * @param headFraction share of each layer's heads to remove, in [0, 1)
     * @param mlpFraction  share of each layer's MLP channels to remove, in [0, 1)
     */
    public record Options(double headFraction, double mlpFraction) {
        public Options {
            check("--heads", headFraction);
            check("--mlp", mlpFraction);
        }

        private static void check(String name, double f) {
            if (!(f >= 0 && f < 1)) {
                throw new UserInputException(name + " must be a fraction in [0, 1) of what to remove, got " + f);
            }
        }
    }

    /** The smaller model (in memory; the caller saves and closes it) and what was removed. */
    public record Pruned(MultimodalModel model, ObjectNode report) {}

    /** @param tokenizerJson the source's tokenizer.json, which the pruned model carries unchanged */
    public static Pruned prune(MultimodalModel source, Path tokenizerJson, Options options) {
        ClipConfig c = source.config();
        VisionConfig v = c.vision();
        TextConfig t = c.text();
        if (t.isBert()) {
            throw new UserInputException("model " + source.name() + " has a BERT text tower, which pruning "
                    + "does not handle yet (only CLIP's text transformer)");
        }
        int vHeads = kept(v.heads(), options.headFraction());
        int vMlp = kept(v.mlpSize(), options.mlpFraction());
        int tHeads = kept(t.heads(), options.headFraction());
        int tMlp = kept(t.mlpSize(), options.mlpFraction());
        VisionConfig pv = new VisionConfig(v.imageSize(), v.patchSize(), v.numChannels(), v.width(), v.layers(), vHeads, vMlp,
                v.activation(), v.layerNormEps(), v.patchStem(), v.headDim());
        TextConfig pt = new TextConfig(t.vocabSize(), t.contextLength(), t.width(), t.layers(), tHeads, tMlp, t.activation(),
                t.layerNormEps(), t.padId(), t.bosId(), t.eosId(), t.headDim());
        ClipConfig pc = new ClipConfig(pv, pt, c.projectionDim(), c.logitScaleInit(), c.fusion(), c.imageTags(), c.similarity());
        MultimodalModel pruned = MultimodalModel.randomlyInitialized(pc, tokenizerJson, source.preprocessor(), 0, source.name());
        try {
            Map<String, Parameter> from = source.network().namedParameters();
            Map<String, Parameter> to = pruned.network().namedParameters();
            Map<String, float[]> values = new HashMap<>();
            ObjectNode report = JSON.createObjectNode();
            report.put("importance", "weight norms (MLP: |fc1 row| x |fc2 column|; heads: |v_proj rows| x |out_proj columns|)");
            report.put("uniform_per_layer", true);
            report.put("head_fraction", options.headFraction());
            report.put("mlp_fraction", options.mlpFraction());
            report.set("vision", tower(from, values, "vision_model", v.layers(), v.heads(), v.headDim(), v.mlpSize(), vHeads, vMlp));
            report.set("text", tower(from, values, "text_model", t.layers(), t.heads(), t.headDim(), t.mlpSize(), tHeads, tMlp));
            for (Map.Entry<String, Parameter> e : to.entrySet()) {
                float[] value = values.get(e.getKey());
                Parameter src = from.get(e.getKey());
                if (value == null) {
                    if (src == null || !src.getArray().getShape().equals(e.getValue().getArray().getShape())) {
                        throw new IllegalStateException("no source for pruned parameter " + e.getKey());
                    }
                    value = src.getArray().toFloatArray();
                }
                e.getValue().getArray().set(value);
            }
            long before = source.parameterCounts().get("total");
            long after = pruned.parameterCounts().get("total");
            report.put("parameters_before", before);
            report.put("parameters_after", after);
            return new Pruned(pruned, report);
        } catch (RuntimeException e) {
            pruned.close();
            throw e;
        }
    }

    /** Slices every layer of one tower into {@code out}; returns the tower's part of the report. */
    private static ObjectNode tower(Map<String, Parameter> p, Map<String, float[]> out, String tower, int layers, int heads,
            int headDim, int mlp, int keepHeads, int keepMlp) {
        ObjectNode r = JSON.createObjectNode();
        r.put("heads", heads + " -> " + keepHeads);
        r.put("intermediate_size", mlp + " -> " + keepMlp);
        ArrayNode removedHeads = r.putArray("removed_heads");
        ArrayNode removedChannels = r.putArray("removed_mlp_channels");
        for (int l = 0; l < layers; l++) {
            String base = tower + ".encoder.layers." + l + ".";
            String at = base + "self_attn.";
            int width = (int) p.get(at + "out_proj.weight").getArray().getShape().get(0);
            int inner = heads * headDim;
            float[] wv = floats(p, at + "v_proj.weight"); // (H*Dh, D)
            float[] wo = floats(p, at + "out_proj.weight"); // (D, H*Dh)
            double[] headScore = new double[heads];
            for (int h = 0; h < heads; h++) {
                headScore[h] = Math.sqrt(rowBlockNorm2(wv, width, h * headDim, headDim))
                        * Math.sqrt(columnBlockNorm2(wo, inner, h * headDim, headDim));
            }
            int[] keepH = top(headScore, keepHeads);
            int[] rows = IntStream.of(keepH).flatMap(h -> IntStream.range(h * headDim, (h + 1) * headDim)).toArray();
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj"}) {
                out.put(at + proj + ".weight", takeRows(floats(p, at + proj + ".weight"), width, rows)); // (H'*Dh, D)
                out.put(at + proj + ".bias", takeRows(floats(p, at + proj + ".bias"), 1, rows)); // (H'*Dh)
            }
            out.put(at + "out_proj.weight", takeColumns(wo, inner, rows)); // (D, H'*Dh)
            removedHeads.add(JSON.valueToTree(complement(keepH, heads)));

            String mp = base + "mlp.";
            float[] fc1 = floats(p, mp + "fc1.weight"); // (M, D)
            float[] fc2 = floats(p, mp + "fc2.weight"); // (D, M)
            double[] channelScore = new double[mlp];
            for (int j = 0; j < mlp; j++) {
                channelScore[j] = Math.sqrt(rowBlockNorm2(fc1, width, j, 1)) * Math.sqrt(columnBlockNorm2(fc2, mlp, j, 1));
            }
            int[] keepM = top(channelScore, keepMlp);
            out.put(mp + "fc1.weight", takeRows(fc1, width, keepM)); // (M', D)
            out.put(mp + "fc1.bias", takeRows(floats(p, mp + "fc1.bias"), 1, keepM)); // (M')
            out.put(mp + "fc2.weight", takeColumns(fc2, mlp, keepM)); // (D, M')
            removedChannels.add(mlp - keepMlp);
        }
        return r;
    }

    static int kept(int n, double fraction) {
        return Math.max(1, (int) Math.round(n * (1 - fraction)));
    }

    /** The indices of the k highest scores, in ascending index order (ties: the lower index). */
    static int[] top(double[] score, int k) {
        return IntStream.range(0, score.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).sorted().toArray();
    }

    private static int[] complement(int[] kept, int n) {
        return IntStream.range(0, n).filter(i -> Arrays.binarySearch(kept, i) < 0).toArray();
    }

    private static float[] floats(Map<String, Parameter> p, String key) {
        Parameter param = p.get(key);
        if (param == null) {
            throw new IllegalStateException("the model has no parameter " + key);
        }
        return param.getArray().toFloatArray();
    }

    /** Sum of squares of rows [start, start + count) of a (rows, cols) matrix. */
    private static double rowBlockNorm2(float[] m, int cols, int start, int count) {
        double s = 0;
        for (int i = start * cols; i < (start + count) * cols; i++) {
            s += (double) m[i] * m[i];
        }
        return s;
    }

    /** Sum of squares of columns [start, start + count) of a (rows, cols) matrix. */
    private static double columnBlockNorm2(float[] m, int cols, int start, int count) {
        double s = 0;
        for (int r = 0; r < m.length / cols; r++) {
            for (int c = start; c < start + count; c++) {
                s += (double) m[r * cols + c] * m[r * cols + c];
            }
        }
        return s;
    }

    /** (R, C) -> (len(rows), C). */
    private static float[] takeRows(float[] m, int cols, int[] rows) {
        float[] out = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(m, rows[i] * cols, out, i * cols, cols);
        }
        return out;
    }

    /** (R, C) -> (R, len(columns)). */
    private static float[] takeColumns(float[] m, int cols, int[] columns) {
        int r = m.length / cols;
        float[] out = new float[r * columns.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < columns.length; j++) {
                out[i * columns.length + j] = m[i * cols + columns[j]];
            }
        }
        return out;
    }
}
