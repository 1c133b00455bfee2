package io.openautoglm.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The reference fixture produced by openai/CLIP: tiny random weights in both layouts and their outputs. */
public final class ParityFixture {
    public static final Path ROOT = Path.of("src/test/resources/clip-parity/tiny-clip");
    public static final Path HF = ROOT.resolve("hf");
    public static final Path OPENAI = ROOT.resolve("openai");
    public static final Path IMAGES = ROOT.resolve("images");

    private static JsonNode expected;

    private ParityFixture() {}

    public static synchronized JsonNode expected() {
        if (expected == null) {
            try {
                expected = new ObjectMapper().readTree(ROOT.resolve("expected.json").toFile());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return expected;
    }

    /** A nested numeric array, flattened row-major. */
    public static float[] flat(String key) {
        List<Float> out = new ArrayList<>();
        flatten(expected().get(key), out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }

    public static float[][] matrix(String key) {
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

    public static long[] inputIds() {
        List<Float> out = new ArrayList<>();
        flatten(expected().get("input_ids"), out);
        long[] ids = new long[out.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = out.get(i).longValue();
        }
        return ids;
    }

    public static List<String> texts() {
        List<String> t = new ArrayList<>();
        expected().get("texts").forEach(n -> t.add(n.asText()));
        return t;
    }

    public static List<Path> imageFiles() {
        List<Path> files = new ArrayList<>();
        expected().get("images").forEach(n -> files.add(IMAGES.resolve(n.asText())));
        return files;
    }

    public static double tolerance(String key) {
        return expected().get("tolerance").get(key).asDouble();
    }

    private static void flatten(JsonNode node, List<Float> out) {
        if (node.isArray()) {
            node.forEach(n -> flatten(n, out));
        } else {
            out.add((float) node.asDouble());
        }
    }

    public static double maxAbsDiff(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
