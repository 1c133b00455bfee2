package io.openautoglm.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.core.model.clip.CheckpointLayout;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.ClipImageProcessor;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.model.clip.ClipTokenizer;
import io.openautoglm.core.model.clip.ClipWeights;
import io.openautoglm.core.model.clip.ModelDirectory;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.core.model.clip.TokenColumns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The public entry point: a CLIP-family dual encoder with its tokenizer and image processor.
 * Loads our model directory, a Hugging Face CLIPModel folder or an OpenAI/open_clip folder without
 * conversion. Thread-safe: every call owns its native memory in a sub-manager closed on return.
 */
public final class MultimodalModel implements AutoCloseable {
    public static final String VERSION = "0.1.0-SNAPSHOT";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final NDManager manager; // owns the weights
    private final ClipModel network;
    private final ClipTokenizer tokenizer;
    private final ClipImageProcessor processor;
    private final ImageLoader imageLoader;
    private final String name;
    private final CheckpointLayout layout;
    private final byte[] tokenizerJson; // kept: the file it came from may be gone when we save (pruned checkpoints)
    private final ObjectNode provenance;

    private MultimodalModel(NDManager manager, ClipModel network, Path tokenizerFile, PreprocessorConfig preprocessor,
            String name, CheckpointLayout layout, ObjectNode provenance) {
        this.manager = manager;
        this.network = network;
        try {
            this.tokenizerJson = Files.readAllBytes(tokenizerFile);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + tokenizerFile + ": " + e.getMessage(), e);
        }
        this.tokenizer = new ClipTokenizer(tokenizerFile, network.config().text());
        this.processor = new ClipImageProcessor(preprocessor);
        this.imageLoader = new ImageLoader();
        this.name = name;
        this.layout = layout;
        this.provenance = provenance;
    }

    /** Loads a model folder in any layout we read; one clear {@link UserInputException} if we cannot. */
    public static MultimodalModel load(Path dir) {
        ModelDirectory source = ModelDirectory.read(dir);
        NDManager manager = TorchRuntime.engine().newBaseManager();
        try (SafetensorsReader reader = SafetensorsReader.open(source.weights())) {
            ClipModel network = build(manager, source.config(), Initializer.ZEROS);
            ClipWeights.load(network, reader, source.layout());
            freeze(network);
            ObjectNode provenance = source.provenance() instanceof ObjectNode o ? o : JSON.createObjectNode();
            String name = dir.toAbsolutePath().normalize().getFileName().toString();
            return new MultimodalModel(manager, network, source.tokenizer(), source.preprocessor(), name,
                    source.layout(), provenance);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** A model with fresh random weights (training from scratch, benchmarks), seeded. */
    public static MultimodalModel randomlyInitialized(ClipConfig config, Path tokenizerJson, PreprocessorConfig preprocessor,
            long seed, String name) {
        TorchRuntime.seed(seed);
        NDManager manager = TorchRuntime.engine().newBaseManager();
        try {
            ClipModel network = build(manager, config, null);
            ObjectNode provenance = JSON.createObjectNode();
            provenance.put("initialization", "random");
            provenance.put("seed", seed);
            return new MultimodalModel(manager, network, tokenizerJson, preprocessor, name, CheckpointLayout.OPEN_AUTOGLM,
                    provenance);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static ClipModel build(NDManager manager, ClipConfig config, Initializer override) {
        ClipModel network = new ClipModel(config);
        if (override != null) {
            // Weights are about to be overwritten from a checkpoint: skip drawing random numbers.
            network.setInitializer(override, p -> true);
        }
        network.initialize(manager, DataType.FLOAT32, new Shape(1));
        return network;
    }

    /** Inference only: no autograd graph is recorded on any thread. */
    private static void freeze(ClipModel network) {
        network.namedParameters().values().forEach(p -> p.freeze(true));
    }

    /**
     * Chooses the parameters that receive gradients (training, tower locking); the others are
     * frozen. A loaded model starts fully frozen.
     */
    public void setTrainable(java.util.function.Predicate<String> byName) {
        network.namedParameters().forEach((name, p) -> p.freeze(!byName.test(name)));
    }

    // ---- identity ---------------------------------------------------------------------------

    public String name() {
        return name;
    }

    public ClipConfig config() {
        return network.config();
    }

    public CheckpointLayout layout() {
        return layout;
    }

    public PreprocessorConfig preprocessor() {
        return processor.config();
    }

    public int embeddingDim() {
        return network.config().projectionDim();
    }

    /** The underlying DJL block, for training and export. */
    public ClipModel network() {
        return network;
    }

    public NDManager manager() {
        return manager;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public ClipImageProcessor imageProcessor() {
        return processor;
    }

    public ImageLoader imageLoader() {
        return imageLoader;
    }

    /** exp(logit_scale): the factor on cosine similarities in CLIP's logits. */
    public float logitScale() {
        try (NDManager scope = manager.newSubManager()) {
            return network.logitFactor(new ParameterStore(scope, false), scope.zeros(new Shape(1)), false).getFloat();
        }
    }

    /** Parameter counts: vision tower, text tower, and the projections with the logit scale. */
    public Map<String, Long> parameterCounts() {
        long vision = 0;
        long text = 0;
        long other = 0;
        long fusion = 0;
        for (Map.Entry<String, Parameter> e : network.namedParameters().entrySet()) {
            long n = e.getValue().getShape().size();
            if (e.getKey().startsWith("fusion_encoder.") || e.getKey().startsWith("itm_head.")
                    || e.getKey().startsWith("answer_head.") || e.getKey().startsWith("text_decoder.")) {
                fusion += n;
            } else if (e.getKey().startsWith("vision_model.")) {
                vision += n;
            } else if (e.getKey().startsWith("text_model.")) {
                text += n;
            } else {
                other += n;
            }
        }
        return Map.of("vision", vision, "text", text, "projections", other, "fusion", fusion, "total", vision + text + other + fusion);
    }

    /** Whether {@link #fusion()} is available: the model has matching, answer and caption heads. */
    public boolean hasFusion() {
        return network.hasFusion();
    }

    /**
     * Image–text matching, question answering and captioning with this model's fusion heads; one
     * clear {@link UserInputException} when the model has none.
     */
    public FusionInference fusion() {
        if (!network.hasFusion()) {
            throw new UserInputException("model " + name + " has no fusion heads (matching, question answering, captioning); "
                    + "use a model trained with them, such as models/autoglm-shapes-tiny-fusion");
        }
        return new FusionInference(this);
    }

    // ---- embedding --------------------------------------------------------------------------

    public float[][] embedTexts(List<String> texts) {
        return embedTexts(texts, EmbedOptions.defaults());
    }

    public float[][] embedTexts(List<String> texts, EmbedOptions options) {
        float[][] out = new float[texts.size()][];
        int t = tokenizer.contextLength();
        for (int start = 0; start < texts.size(); start += options.batchSize()) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + options.batchSize()));
            long[] ids = tokenizer.encodeBatch(batch); // (B, T) padded to the context length
            // Only the columns up to the last end token: the same embeddings for a fraction of the compute.
            int used = TokenColumns.usedLength(ids, batch.size(), t, network.config().text().eosId());
            float[][] part = embedTokenIds(TokenColumns.firstColumns(ids, batch.size(), t, used), batch.size(), used,
                    options.normalize());
            System.arraycopy(part, 0, out, start, part.length);
        }
        return out;
    }

    public float[][] embedImages(List<RgbImage> images) {
        return embedImages(images, EmbedOptions.defaults());
    }

    public float[][] embedImages(List<RgbImage> images, EmbedOptions options) {
        float[][] out = new float[images.size()][];
        int s = processor.config().imageSize();
        int per = 3 * s * s;
        for (int start = 0; start < images.size(); start += options.batchSize()) {
            int n = Math.min(options.batchSize(), images.size() - start);
            float[] pixels = new float[n * per];
            for (int i = 0; i < n; i++) {
                System.arraycopy(processor.preprocess(images.get(start + i)), 0, pixels, i * per, per);
            }
            float[][] part = embedPixels(pixels, n, options.normalize());
            System.arraycopy(part, 0, out, start, n);
        }
        return out;
    }

    /** Decodes (with the pixel limit), preprocesses and embeds image files, batch by batch. */
    public float[][] embedImageFiles(List<Path> files, EmbedOptions options) {
        float[][] out = new float[files.size()][];
        for (int start = 0; start < files.size(); start += options.batchSize()) {
            List<RgbImage> batch = new ArrayList<>();
            for (Path f : files.subList(start, Math.min(files.size(), start + options.batchSize()))) {
                batch.add(imageLoader.load(f));
            }
            float[][] part = embedImages(batch, options);
            System.arraycopy(part, 0, out, start, part.length);
        }
        return out;
    }

    /** Preprocessed pixels (B, 3, S, S), row-major, to embeddings (B, P). */
    public float[][] embedPixels(float[] pixels, int count, boolean normalize) {
        StopSignal.process().check(); // a safe point: a stopping job ends between batches, not inside libtorch
        int s = processor.config().imageSize();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(pixels, new Shape(count, 3, s, s)); // (B, 3, S, S)
            NDArray e = network.encodeImage(new ParameterStore(scope, false), x, false); // (B, P)
            return toRows(normalize ? ClipModel.l2Normalize(e) : e, count);
        }
    }

    /** Token ids (B, T), row-major, to embeddings (B, P). */
    public float[][] embedTokenIds(long[] ids, int count, int length, boolean normalize) {
        StopSignal.process().check();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(ids, new Shape(count, length)); // (B, T)
            NDArray e = network.encodeText(new ParameterStore(scope, false), x, false); // (B, P)
            return toRows(normalize ? ClipModel.l2Normalize(e) : e, count);
        }
    }

    private static float[][] toRows(NDArray e, int count) { // (B, P) -> B rows
        float[] flat = e.toFloatArray();
        int d = flat.length / count;
        float[][] rows = new float[count][d];
        for (int i = 0; i < count; i++) {
            System.arraycopy(flat, i * d, rows[i], 0, d);
        }
        return rows;
    }

    // ---- similarity and zero-shot -----------------------------------------------------------

    /** Dot products a_i . b_j: cosine similarities when both sides are normalized. (A, D) x (B, D) -> (A, B) */
    public static float[][] similarity(float[][] a, float[][] b) {
        float[][] out = new float[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                out[i][j] = dot(a[i], b[j]);
            }
        }
        return out;
    }

    /**
     * Zero-shot classification with prompt ensembling: each label's embedding is the renormalized
     * mean of its normalized template embeddings; scores are the softmax of CLIP's logits.
     *
     * @param templates prompts with "{}" where the label goes; empty means "{}" alone
     */
    public List<ZeroShotResult> zeroShot(List<RgbImage> images, List<String> labels, List<String> templates) {
        float[][] classes = labelEmbeddings(labels, templates.isEmpty() ? List.of("{}") : templates);
        float scale = logitScale();
        float[][] imageEmbeds = embedImages(images);
        List<ZeroShotResult> results = new ArrayList<>();
        for (float[] image : imageEmbeds) {
            results.add(scoreLabels(image, classes, labels, scale));
        }
        return results;
    }

    /**
     * One image's labels, best first: the softmax of {@code logitScale} times the cosine of the
     * normalized image embedding (D) with each label embedding (L, D).
     */
    public static ZeroShotResult scoreLabels(float[] image, float[][] classes, List<String> labels, float logitScale) {
        float[] logits = new float[labels.size()];
        for (int c = 0; c < labels.size(); c++) {
            logits[c] = logitScale * dot(image, classes[c]);
        }
        float[] p = softmax(logits);
        List<ZeroShotResult.LabelScore> scored = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            scored.add(new ZeroShotResult.LabelScore(labels.get(c), p[c]));
        }
        scored.sort((x, y) -> Float.compare(y.score(), x.score()));
        return new ZeroShotResult(List.copyOf(scored));
    }

    /**
     * One normalized embedding per label: the renormalized mean of the normalized embeddings of
     * its prompts (CLIP's prompt ensembling). (L labels, P templates) -> (L, D)
     */
    public float[][] labelEmbeddings(List<String> labels, List<String> templates) {
        if (labels.isEmpty()) {
            throw new UserInputException("zero-shot needs at least one label");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new UserInputException("template '" + t + "' has no {} where the label goes");
            }
        }
        List<String> prompts = new ArrayList<>();
        for (String label : labels) {
            for (String t : templates) {
                prompts.add(t.replace("{}", label));
            }
        }
        return ensemblePrompts(embedTexts(prompts), labels.size(), templates.size());
    }

    /**
     * Prompt ensembling over normalized prompt embeddings grouped label by label (the P prompts of
     * label 0 first): each label's row is the renormalized mean of its P prompts. (L * P, D) -> (L, D)
     */
    public static float[][] ensemblePrompts(float[][] e, int labelCount, int p) {
        float[][] out = new float[labelCount][];
        for (int c = 0; c < labelCount; c++) {
            float[] mean = new float[e[0].length];
            for (int k = 0; k < p; k++) {
                for (int d = 0; d < mean.length; d++) {
                    mean[d] += e[c * p + k][d] / p;
                }
            }
            out[c] = normalize(mean);
        }
        return out;
    }

    static float dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return (float) s;
    }

    static float[] normalize(float[] v) {
        double n = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / n);
        }
        return out;
    }

    static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= (float) sum;
        }
        return p;
    }

    // ---- saving -----------------------------------------------------------------------------

    /**
     * Writes our model directory: config.json, model.safetensors, tokenizer.json, preprocessor.json
     * and provenance.json (what made it, from what, when, with which versions). Each file is
     * written atomically.
     */
    public void save(Path dir, ObjectNode extraProvenance) throws IOException {
        Files.createDirectories(dir);
        ObjectNode prov = provenance.deepCopy();
        prov.put("format", "open-autoglm");
        prov.put("autoglm_version", VERSION);
        prov.put("djl_version", ai.djl.engine.Engine.getDjlVersion());
        prov.put("engine", TorchRuntime.ENGINE + " " + TorchRuntime.engine().getVersion());
        prov.put("java_version", System.getProperty("java.version"));
        prov.put("saved_at", Instant.now().toString());
        if (extraProvenance != null) {
            prov.setAll(extraProvenance);
        }
        Path weights = dir.resolve(ModelDirectory.WEIGHTS);
        ClipWeights.save(network, weights, Map.of("format", "pt", "producer", "open-autoglm"));
        prov.put("weights_sha256", Sha256.of(weights));
        AtomicFiles.writeString(dir.resolve(ModelDirectory.CONFIG), JSON.writeValueAsString(config().toJson()));
        AtomicFiles.writeString(dir.resolve(ModelDirectory.PREPROCESSOR), JSON.writeValueAsString(processor.config().toJson()));
        AtomicFiles.write(dir.resolve(ModelDirectory.TOKENIZER), out -> out.write(tokenizerJson));
        AtomicFiles.writeString(dir.resolve(ModelDirectory.PROVENANCE), JSON.writeValueAsString(prov));
    }

    public ObjectNode provenance() {
        return provenance.deepCopy();
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
