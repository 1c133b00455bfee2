package io.openautoglm.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.Provenance;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.FileTrees;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.core.model.clip.ModelDirectory;
import io.openautoglm.onnx.graph.GraphBuilder;
import io.openautoglm.onnx.graph.TowerGraphs;
import io.openautoglm.onnx.graph.TowerWeights;
import io.openautoglm.onnx.runtime.OnnxModelFolder;
import io.openautoglm.onnx.runtime.OnnxSessions;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a model's towers as an ONNX model folder that {@code MultimodalModel.load} runs on ONNX
 * Runtime: image_model.onnx, text_model.onnx, config.json (with the learned logit scale),
 * tokenizer.json, preprocessor.json, provenance.json. The folder is built under a temporary name
 * beside the target, checked (the exported graphs in ONNX Runtime against the source model in DJL, on
 * the same pictures and texts, at batch 1 and above) and renamed into place only when every cosine
 * reaches {@link Options#minCosine()}.
 */
public final class OnnxExporter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** protobuf's limit on one message; beyond it ONNX needs external data, which we do not write. */
    private static final long MAX_GRAPH_BYTES = (1L << 31) - (1L << 20);

    private OnnxExporter() {}

    /**
     * @param opset the ONNX opset, {@link GraphBuilder#MIN_OPSET} to {@link GraphBuilder#MAX_OPSET}
     * @param minCosine the export check's bar: every embedding's cosine to DJL's
     * @param sourceDir the folder the model was loaded from (its weights' SHA-256 goes into provenance), or null
     * @param overwrite replace an existing target folder
     * @param checkTexts texts the check embeds besides its own
     */
    public record Options(int opset, double minCosine, Path sourceDir, boolean overwrite, List<String> checkTexts) {
        public static final int DEFAULT_OPSET = 17;
        public static final double DEFAULT_MIN_COSINE = 0.9999;

        public Options {
            checkTexts = checkTexts == null ? List.of() : List.copyOf(checkTexts);
        }

        public static Options defaults() {
            return new Options(DEFAULT_OPSET, DEFAULT_MIN_COSINE, null, false, List.of());
        }

        public Options withOpset(int n) {
            return new Options(n, minCosine, sourceDir, overwrite, checkTexts);
        }

        public Options withSource(Path dir) {
            return new Options(opset, minCosine, dir, overwrite, checkTexts);
        }

        public Options withOverwrite(boolean on) {
            return new Options(opset, minCosine, sourceDir, on, checkTexts);
        }

        public Options withMinCosine(double bar) {
            return new Options(opset, bar, sourceDir, overwrite, checkTexts);
        }
    }

    /** What the export wrote and how closely the check agreed. */
    public record Result(Path dir, Path imageModel, Path textModel, double worstImageCosine, double worstTextCosine,
            ObjectNode provenance) {}

    /** Exports {@code model} (run on DJL) to {@code out}; one clear {@link UserInputException} on any refusal. */
    public static Result export(MultimodalModel model, Path out, Options options) throws IOException {
        if (!model.runsOnDjl()) {
            throw new UserInputException("model " + model.name() + " already runs on " + model.runtime().name()
                    + "; export the DJL folder it came from");
        }
        if (model.config().text().isBert()) {
            throw new UserInputException("model " + model.name() + " has a BERT text tower, which ONNX export does not build yet "
                    + "(only CLIP's text transformer); run it on DJL (embed, index, serve take the folder as it is)");
        }
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !options.overwrite()) {
            throw new UserInputException(target + " already exists; choose another --out or pass --overwrite");
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".export-");
        try {
            Result result = writeAndCheck(model, tmp, target, options);
            moveIntoPlace(tmp, target);
            return new Result(target, target.resolve(OnnxModelFolder.IMAGE_MODEL), target.resolve(OnnxModelFolder.TEXT_MODEL),
                    result.worstImageCosine(), result.worstTextCosine(), result.provenance());
        } finally {
            if (Files.exists(tmp)) {
                FileTrees.delete(tmp);
            }
        }
    }

    private static Result writeAndCheck(MultimodalModel model, Path tmp, Path target, Options options) throws IOException {
        TowerWeights weights = TowerWeights.of(model.network());
        TowerGraphs towers = new TowerGraphs(model.config(), weights);
        Map<String, String> metadata = Map.of("source", model.name(), "logit_scale", Float.toString((float) Math.log(model.logitScale())));
        GraphBuilder image = new GraphBuilder("image_tower");
        towers.imageGraph(image, false);
        writeGraph(image.build(options.opset(), MultimodalModel.VERSION, metadata), tmp.resolve(OnnxModelFolder.IMAGE_MODEL));
        GraphBuilder text = new GraphBuilder("text_tower");
        towers.textGraph(text, false);
        writeGraph(text.build(options.opset(), MultimodalModel.VERSION, metadata), tmp.resolve(OnnxModelFolder.TEXT_MODEL));

        ObjectNode config = model.config().toJson();
        config.put(OnnxModelFolder.LOGIT_SCALE_KEY, Math.log(model.logitScale())); // the weights file that held it stays behind
        AtomicFiles.writeString(tmp.resolve(ModelDirectory.CONFIG), JSON.writeValueAsString(config));
        AtomicFiles.writeString(tmp.resolve(ModelDirectory.PREPROCESSOR), JSON.writeValueAsString(model.preprocessor().toJson()));
        byte[] tokenizer = model.tokenizerJson();
        AtomicFiles.write(tmp.resolve(ModelDirectory.TOKENIZER), o -> o.write(tokenizer));

        double[] worst = check(model, tmp, options);
        if (worst[0] < options.minCosine() || worst[1] < options.minCosine()) {
            throw new UserInputException(String.format(java.util.Locale.ROOT,
                    "export check failed: the ONNX graphs disagree with the DJL model (worst cosine %.6f on pictures, %.6f on texts, "
                            + "below %.4f); nothing was written to %s", worst[0], worst[1], options.minCosine(), target));
        }
        ObjectNode provenance = provenance(model, tmp, options, worst);
        AtomicFiles.writeString(tmp.resolve(ModelDirectory.PROVENANCE), JSON.writeValueAsString(provenance));
        return new Result(tmp, null, null, worst[0], worst[1], provenance);
    }

    private static void writeGraph(ModelProto graph, Path file) throws IOException {
        if (graph.getSerializedSize() > MAX_GRAPH_BYTES) {
            throw new UserInputException("the " + file.getFileName() + " graph would be " + graph.getSerializedSize()
                    + " bytes, over protobuf's 2 GB limit; ONNX external data is not written yet");
        }
        AtomicFiles.write(file, graph::writeTo);
    }

    /** The worst cosine {pictures, texts} between ONNX Runtime on {@code dir} and DJL on {@code model}. */
    private static double[] check(MultimodalModel model, Path dir, Options options) {
        List<RgbImage> pictures = checkPictures();
        List<String> texts = new ArrayList<>(List.of("a photo of a cat", "a large red circle above a small blue square", "",
                "two green triangles and a yellow star on a striped background"));
        texts.addAll(options.checkTexts());
        float[][] djlImages = model.embedImages(pictures);
        float[][] djlTexts = model.embedTexts(texts);
        double worstImage = 1;
        double worstText = 1;
        try (MultimodalModel exported = MultimodalModel.load(dir)) {
            for (int batch : new int[] {1, pictures.size()}) {
                worstImage = Math.min(worstImage, worstCosine(djlImages, exported.embedImages(pictures, EmbedOptions.defaults().withBatchSize(batch))));
            }
            for (int batch : new int[] {1, texts.size()}) {
                worstText = Math.min(worstText, worstCosine(djlTexts, exported.embedTexts(texts, EmbedOptions.defaults().withBatchSize(batch))));
            }
        }
        return new double[] {worstImage, worstText};
    }

    /** A few deterministic pictures of different sizes and content: gradients, noise, stripes (they go through the preprocessor). */
    static List<RgbImage> checkPictures() {
        Random random = new Random(22);
        List<RgbImage> out = new ArrayList<>();
        int[][] sizes = {{48, 40}, {96, 96}, {130, 70}, {33, 57}};
        for (int k = 0; k < sizes.length; k++) {
            int w = sizes[k][0];
            int h = sizes[k][1];
            byte[] rgb = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    int stripe = ((x / (3 + k)) + (y / (5 + k))) % 2 == 0 ? 200 : 30;
                    rgb[i] = (byte) (k == 1 ? random.nextInt(256) : x * 255 / w);
                    rgb[i + 1] = (byte) (k == 2 ? stripe : y * 255 / h);
                    rgb[i + 2] = (byte) (k == 3 ? random.nextInt(256) : stripe);
                }
            }
            out.add(new RgbImage(w, h, rgb));
        }
        return out;
    }

    /** The smallest cosine between row i of {@code a} and row i of {@code b}: how far two runs of the same inputs disagree. */
    public static double worstCosine(float[][] a, float[][] b) {
        double worst = 1;
        for (int i = 0; i < a.length; i++) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int j = 0; j < a[i].length; j++) {
                dot += (double) a[i][j] * b[i][j];
                na += (double) a[i][j] * a[i][j];
                nb += (double) b[i][j] * b[i][j];
            }
            worst = Math.min(worst, dot / Math.sqrt(na * nb));
        }
        return worst;
    }

    private static ObjectNode provenance(MultimodalModel model, Path tmp, Options options, double[] worst) throws IOException {
        ObjectNode d = JSON.createObjectNode();
        d.put("exporter", "open-autoglm " + MultimodalModel.VERSION + " OnnxExporter (ONNX written from Java)");
        d.put("opset", options.opset());
        d.put("onnxruntime_version", OnnxSessions.environment().getVersion());
        d.put("source", options.sourceDir() == null ? model.name() : options.sourceDir().toAbsolutePath().normalize().toString());
        d.put("source_layout", model.layout().name());
        if (options.sourceDir() != null) {
            Path weights = ModelDirectory.read(options.sourceDir()).weights();
            d.put("source_weights_sha256", Sha256.of(weights));
        }
        d.set("source_provenance", model.provenance());
        d.put("image_model_sha256", Sha256.of(tmp.resolve(OnnxModelFolder.IMAGE_MODEL)));
        d.put("text_model_sha256", Sha256.of(tmp.resolve(OnnxModelFolder.TEXT_MODEL)));
        ObjectNode params = d.putObject("parameters");
        model.parameterCounts().forEach(params::put);
        ObjectNode check = d.putObject("export_check");
        check.put("worst_image_cosine", worst[0]);
        check.put("worst_text_cosine", worst[1]);
        check.put("min_cosine", options.minCosine());
        check.put("batch_sizes", "1 and all at once");
        return Provenance.ofDetails(d).stampedNow().toJson();
    }

    /** tmp -> target in one rename; an existing target (with --overwrite) is moved aside first and removed after. */
    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".replaced-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
        if (old != null) {
            FileTrees.delete(old);
        }
    }
}
