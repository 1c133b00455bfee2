package io.openautoglm.bench;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.onnx.quantize.Int8Options;
import io.openautoglm.onnx.quantize.Int8Quantizer;
import io.openautoglm.onnx.runtime.OnnxSessions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * ONNX Runtime rows of bench/inference-speed.sh: a folder with {@code vision.onnx} (pixel_values
 * (B, 3, 224, 224) -> (B, P)) and {@code text.onnx} (input_ids (B, 77) int64 -> (B, P)) run as
 * given (fp32), and after {@link Int8Quantizer} with each kernel (standard ONNX MatMulInteger chain,
 * ONNX Runtime's contrib DynamicQuantizeMatMul). Per row: images/s and texts/s per batch, the
 * graphs' size, and the cosine of the int8 embeddings to the fp32 ones. Protocol as
 * {@link EmbeddingBenchmark} ({@link Repetitions}); ORT with all graph optimizations, the given
 * intra-op threads, one inter-op thread, sequential execution.
 */
public final class OnnxInferenceBenchmark {
    static final String USAGE = "options: --onnx-dir DIR --label NAME --batches 1,8,32 --threads 2 --rows fp32,int8,int8-contrib"
            + " --warmup 2 --reps 5 --min-rep-seconds 0.5 --max-point-seconds 30 --seed 0 --json FILE --save-int8 DIR";
    private static final Set<String> OPTIONS = BenchArgs.union(Repetitions.OPTIONS,
            Set.of("--onnx-dir", "--label", "--batches", "--threads", "--rows", "--seed", "--json", "--save-int8"));
    static final List<String> VISION_NAMES = List.of("vision.onnx", "vision_model.onnx", "image.onnx", "image_model.onnx");
    static final List<String> TEXT_NAMES = List.of("text.onnx", "text_model.onnx");
    private static final int BOS = 49406;
    private static final int EOS = 49407;

    private final Path dir;
    private final String label;
    private final List<Integer> batches;
    private final int threads;
    private final List<String> rows;
    private final Repetitions protocol;
    private final long seed;
    private final Path json;
    private final Path saveInt8;

    OnnxInferenceBenchmark(BenchArgs a) {
        dir = a.path("--onnx-dir", null);
        if (dir == null || graph(dir, VISION_NAMES) == null || graph(dir, TEXT_NAMES) == null) {
            throw new UserInputException("--onnx-dir must name a folder with an image tower graph " + VISION_NAMES
                    + " and a text tower graph " + TEXT_NAMES);
        }
        label = a.text("--label", "ONNX Runtime");
        batches = a.integers("--batches", List.of(1, 8, 32));
        threads = a.integer("--threads", 2);
        rows = a.words("--rows", List.of("fp32", "int8", "int8-contrib"));
        protocol = Repetitions.from(a, EmbeddingBenchmark.DEFAULT_PROTOCOL);
        seed = a.whole("--seed", 0);
        json = a.path("--json", null);
        saveInt8 = a.path("--save-int8", null);
    }

    public static void main(String[] args) throws Exception {
        BenchArgs.main("onnx inference benchmark", USAGE, args,
                a -> new OnnxInferenceBenchmark(BenchArgs.parse(a, OPTIONS, Set.of())).run());
    }

    private void run() throws Exception {
        OrtEnvironment env = OnnxSessions.environment();
        int maxB = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
        Random rnd = new Random(seed);
        float[] pixels = new float[maxB * 3 * 224 * 224];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rnd.nextGaussian();
        }
        long[] ids = new long[maxB * 77];
        for (int r = 0; r < maxB; r++) {
            ids[r * 77] = BOS;
            for (int j = 1; j < 76; j++) {
                ids[r * 77 + j] = 1 + rnd.nextInt(49405);
            }
            ids[r * 77 + 76] = EOS;
        }
        Map<String, byte[]> fp32 = new LinkedHashMap<>();
        fp32.put("vision", Files.readAllBytes(graph(dir, VISION_NAMES)));
        fp32.put("text", Files.readAllBytes(graph(dir, TEXT_NAMES)));
        ObjectNode out = Harness.JSON.createObjectNode();
        out.put("onnx_dir", dir.toString());
        out.put("onnxruntime_version", OnnxSessions.environment().getVersion());
        out.put("intra_op_threads", threads);
        protocol.describe(out.putObject("protocol"), "warmup_batches");
        ArrayNode results = out.putArray("rows");
        float[][] reference = null; // fp32 embeddings of the first 8 images and texts, for the cosines
        for (String row : rows) {
            Map<String, byte[]> graphs = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            for (Map.Entry<String, byte[]> e : fp32.entrySet()) {
                graphs.put(e.getKey(), switch (row) {
                    case "fp32" -> e.getValue();
                    case "int8" -> quantize(e.getValue(), Int8Options.defaults());
                    case "int8-contrib" -> quantize(e.getValue(), Int8Options.defaults().withKernel(Int8Options.Kernel.CONTRIB));
                    default -> throw new UserInputException("--rows takes fp32, int8, int8-contrib; got " + row);
                });
            }
            double quantizeS = (System.nanoTime() - t0) / 1e9;
            if (saveInt8 != null && row.equals("int8")) {
                Files.createDirectories(saveInt8);
                for (Map.Entry<String, byte[]> e : graphs.entrySet()) {
                    Files.write(saveInt8.resolve(e.getKey() + ".onnx"), e.getValue());
                }
            }
            ObjectNode r = results.addObject();
            String name = label + (row.equals("fp32") ? " fp32" : " + our " + row);
            r.put("row", name);
            r.put("size_bytes", graphs.values().stream().mapToLong(b -> b.length).sum());
            if (!row.equals("fp32")) {
                r.put("quantize_s", quantizeS);
            }
            System.out.printf("== %s: %.1f MB of graphs%n", name, r.get("size_bytes").asLong() / 1e6);
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(threads);
                o.setInterOpNumThreads(1);
                o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                try (OrtSession vision = env.createSession(graphs.get("vision"), o);
                        OrtSession text = env.createSession(graphs.get("text"), o)) {
                    float[][] probe = {
                        flat(embedImages(env, vision, pixels, Math.min(8, maxB))), flat(embedTexts(env, text, ids, Math.min(8, maxB)))};
                    if (row.equals("fp32")) {
                        reference = probe;
                    } else if (reference != null) {
                        r.put("min_cosine_images", minCosine(reference[0], probe[0], 512));
                        r.put("min_cosine_texts", minCosine(reference[1], probe[1], 512));
                        System.out.printf("cosine to fp32: images >= %.5f, texts >= %.5f%n", r.get("min_cosine_images").asDouble(),
                                r.get("min_cosine_texts").asDouble());
                    }
                    ArrayNode points = r.putArray("points");
                    System.out.printf("%-6s %-6s %12s %12s %6s%n", "batch", "kind", "items/s", "ms/batch", "reps");
                    for (int b : batches) {
                        for (String kind : List.of("image", "text")) {
                            Repetitions.Call step = kind.equals("image")
                                    ? timed -> embedImages(env, vision, pixels, b)
                                    : timed -> embedTexts(env, text, ids, b);
                            Repetitions.Rates rates = protocol.measure(b, step);
                            ObjectNode p = points.addObject();
                            p.put("batch", b);
                            p.put("kind", kind);
                            p.put("items_per_s", rates.median());
                            rates.addTo(p.putArray("rep_items_per_s"));
                            System.out.printf("%-6d %-6s %12.2f %12.1f %6d%n", b, kind, rates.median(), 1000.0 * b / rates.median(),
                                    rates.count());
                        }
                    }
                }
            }
        }
        Harness.putProcess(out);
        if (json != null) {
            Harness.writeJson(json, out);
        }
    }

    /** The first of these files in the folder, or null. */
    static Path graph(Path dir, List<String> names) {
        return names.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst().orElse(null);
    }

    private static byte[] quantize(byte[] graph, Int8Options options) {
        try {
            return Int8Quantizer.quantize(ModelProto.parseFrom(graph), options).toByteArray();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new UserInputException("not an ONNX graph: " + e.getMessage());
        }
    }

    /** (B, 3, 224, 224) -> (B, P), L2-normalized as our embedding calls return them. */
    private static float[][] embedImages(OrtEnvironment env, OrtSession s, float[] pixels, int b) {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels, 0, b * 3 * 224 * 224), new long[] {b, 3, 224, 224});
                OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), x))) {
            return normalized((float[][]) r.get(0).getValue());
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** (B, 77) -> (B, P), L2-normalized. */
    private static float[][] embedTexts(OrtEnvironment env, OrtSession s, long[] ids, int b) {
        try (OnnxTensor x = OnnxTensor.createTensor(env, LongBuffer.wrap(ids, 0, b * 77), new long[] {b, 77});
                OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), x))) {
            return normalized((float[][]) r.get(0).getValue());
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[][] normalized(float[][] e) {
        for (float[] row : e) {
            double n = 0;
            for (float v : row) {
                n += (double) v * v;
            }
            float inv = (float) (1 / Math.sqrt(Math.max(n, 1e-24)));
            for (int i = 0; i < row.length; i++) {
                row[i] *= inv;
            }
        }
        return e;
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        }
        return out;
    }

    private static double minCosine(float[] a, float[] b, int width) {
        double min = 1;
        for (int r = 0; r < a.length / width; r++) {
            double dot = 0;
            for (int i = r * width; i < (r + 1) * width; i++) {
                dot += (double) a[i] * b[i]; // both rows are unit vectors
            }
            min = Math.min(min, dot);
        }
        return min;
    }
}
