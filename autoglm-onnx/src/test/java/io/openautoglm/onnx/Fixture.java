package io.openautoglm.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The core module's reference fixture (openai/CLIP outputs for tiny random weights, both layouts), read in place. */
final class Fixture {
    static final Path ROOT = Path.of("../autoglm-core/src/test/resources/clip-parity/tiny-clip").toAbsolutePath().normalize();
    static final Path HF = ROOT.resolve("hf");
    static final Path OPENAI = ROOT.resolve("openai");
    private static JsonNode expected;

    private Fixture() {}

    static synchronized JsonNode expected() {
        if (expected == null) {
            try {
                expected = new ObjectMapper().readTree(ROOT.resolve("expected.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return expected;
    }

    static float[] pixels() {
        List<Double> out = new ArrayList<>();
        flatten(expected().get("pixel_values"), out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i).floatValue();
        }
        return f;
    }

    static long[] inputIds() {
        List<Double> out = new ArrayList<>();
        flatten(expected().get("input_ids"), out);
        long[] ids = new long[out.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = out.get(i).longValue();
        }
        return ids;
    }

    static float[][] matrix(String key) {
        JsonNode node = expected().get(key);
        float[][] m = new float[node.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[node.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = (float) node.get(i).get(j).asDouble();
            }
        }
        return m;
    }

    static List<Path> images() {
        List<Path> files = new ArrayList<>();
        expected().get("images").forEach(n -> files.add(ROOT.resolve("images").resolve(n.asText())));
        return files;
    }

    static List<String> texts() {
        List<String> t = new ArrayList<>();
        expected().get("texts").forEach(n -> t.add(n.asText()));
        return t;
    }

    private static void flatten(JsonNode node, List<Double> out) {
        if (node.isArray()) {
            node.forEach(n -> flatten(n, out));
        } else {
            out.add(node.asDouble());
        }
    }

    static double worstCosine(float[][] a, float[][] b) {
        return OnnxExporter.worstCosine(a, b);
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }
}
