package io.openautoglm.core;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.clip.CheckpointLayout;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.ClipImageProcessor;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.model.clip.ClipTokenizer;
import io.openautoglm.core.model.clip.ClipWeights;
import io.openautoglm.core.model.clip.ModelDirectory;
import io.openautoglm.core.model.clip.ModelWriter;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.core.model.clip.TextWindows;
import io.openautoglm.core.model.clip.TokenColumns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The public entry point: a CLIP-family dual encoder with its tokenizer and image processor.
 * Loads our model directory, a Hugging Face CLIPModel (or ChineseCLIPModel) folder or an OpenAI/open_clip folder without
 * conversion. Thread-safe: every call owns its native memory in a sub-manager closed on return.
 */
public final class MultimodalModel implements AutoCloseable {
    public static final String VERSION = "0.1.0-SNAPSHOT";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NDManager manager; // owns the weights; null when another backend runs the towers
    private final ClipModel network; // null when another backend runs the towers (an ONNX folder)
    private final ClipTokenizer tokenizer;
    private final ClipImageProcessor processor;
    private final ImageLoader imageLoader;
    private final String name;
    private final CheckpointLayout layout;
    private final byte[] tokenizerJson; // kept: the file it came from may be gone when we save (pruned checkpoints)
    private final Provenance provenance;
    private final EmbeddingRuntime runtime;
    private final ModelFolderLoader.LoadedFolder foreign; // what another backend loaded; null on DJL

    private MultimodalModel(NDManager manager, ClipModel network, Path tokenizerFile, PreprocessorConfig preprocessor,
            String name, CheckpointLayout layout, Provenance provenance) {
        this(manager, network, network.config(), tokenizerFile, preprocessor, name, layout, provenance,
                new DjlEmbeddingRuntime(manager, network, preprocessor.imageSize()), null);
    }

    private MultimodalModel(NDManager manager, ClipModel network, ClipConfig config, Path tokenizerFile,
            PreprocessorConfig preprocessor, String name, CheckpointLayout layout, Provenance provenance,
            EmbeddingRuntime runtime, ModelFolderLoader.LoadedFolder foreign) {
        this.manager = manager;
        this.network = network;
        try {
            this.tokenizerJson = Files.readAllBytes(tokenizerFile);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + tokenizerFile + ": " + e.getMessage(), e);
        }
        this.tokenizer = new ClipTokenizer(tokenizerFile, config.text());
        this.processor = new ClipImageProcessor(preprocessor);
        this.imageLoader = new ImageLoader();
        this.name = name;
        this.layout = layout;
        this.provenance = provenance;
        this.runtime = runtime;
        this.foreign = foreign;
    }

    /**
     * Loads a model folder in any layout we read; one clear {@link UserInputException} if we cannot. A
     * folder that a registered {@link ModelFolderLoader} recognizes (an ONNX export) runs on that backend.
     */
    public static MultimodalModel load(Path dir) {
        for (ModelFolderLoader loader : ServiceLoader.load(ModelFolderLoader.class)) {
            if (loader.recognizes(dir)) {
                return fromForeign(dir, loader.load(dir));
            }
        }
        ModelDirectory source = ModelDirectory.read(dir);
        NDManager manager = TorchRuntime.engine().newBaseManager();
        try (SafetensorsReader reader = SafetensorsReader.open(source.weights())) {
            ClipModel network = build(manager, source.config(), Initializer.ZEROS);
            ClipWeights.load(network, reader, source.layout());
            freeze(network);
            Provenance provenance = Provenance.fromJson(source.provenance());
            String name = dir.toAbsolutePath().normalize().getFileName().toString();
            return new MultimodalModel(manager, network, source.tokenizer(), source.preprocessor(), name,
                    source.layout(), provenance);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static MultimodalModel fromForeign(Path dir, ModelFolderLoader.LoadedFolder folder) {
        try {
            String name = dir.toAbsolutePath().normalize().getFileName().toString();
            return new MultimodalModel(null, null, folder.config(), folder.tokenizer(), folder.preprocessor(), name,
                    folder.layout(), folder.provenance(), folder.runtime(), folder);
        } catch (RuntimeException e) {
            closeRuntime(folder.runtime());
            throw e;
        }
    }

    private static void closeRuntime(EmbeddingRuntime runtime) {
        if (runtime instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + runtime.name() + ": " + e.getMessage(), e);
            }
        }
    }

    /** A model with fresh random weights (training from scratch, benchmarks), seeded. */
    public static MultimodalModel randomlyInitialized(ClipConfig config, Path tokenizerJson, PreprocessorConfig preprocessor,
            long seed, String name) {
        TorchRuntime.seed(seed);
        NDManager manager = TorchRuntime.engine().newBaseManager();
        try {
            ClipModel network = build(manager, config, null);
            ObjectNode details = JSON.createObjectNode();
            details.put("initialization", "random");
            details.put("seed", seed);
            Provenance provenance = Provenance.ofDetails(details);
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
        requireDjl("trainable parameters");
        network.namedParameters().forEach((name, p) -> p.freeze(!byName.test(name)));
    }

    // ---- identity ---------------------------------------------------------------------------

    public String name() {
        return name;
    }

    public ClipConfig config() {
        return foreign != null ? foreign.config() : network.config();
    }

    public CheckpointLayout layout() {
        return layout;
    }

    public PreprocessorConfig preprocessor() {
        return processor.config();
    }

    public int embeddingDim() {
        return config().projectionDim();
    }

    /** The underlying DJL block, for training and export; one clear error for a model another backend runs. */
    public ClipModel network() {
        requireDjl("its DJL network (training, export, conversion)");
        return network;
    }

    public NDManager manager() {
        requireDjl("a DJL NDManager (training)");
        return manager;
    }

    /** Whether DJL runs this model's towers (false for an ONNX folder: embeddings only, no training or fusion). */
    public boolean runsOnDjl() {
        return foreign == null;
    }

    /**
     * For a model another backend runs, the SHA-256 standing for its weights (an index built with the model
     * it was exported from takes its vectors); null on DJL, where the safetensors file is the identity.
     */
    public String foreignWeightsSha256() {
        return foreign == null ? null : foreign.weightsSha256().get();
    }

    private void requireDjl(String what) {
        if (foreign != null) {
            throw new UserInputException("model " + name + " runs on " + runtime.name() + " (" + layout.description()
                    + "), which has no " + what + "; use the DJL model folder it was exported from");
        }
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    /** The tokenizer.json this model was loaded with, as bytes (exports copy it). */
    public byte[] tokenizerJson() {
        return tokenizerJson.clone();
    }

    public ClipImageProcessor imageProcessor() {
        return processor;
    }

    public ImageLoader imageLoader() {
        return imageLoader;
    }

    /** exp(logit_scale): the factor on cosine similarities in CLIP's logits. */
    public float logitScale() {
        if (foreign != null) {
            return foreign.logitScale();
        }
        try (NDManager scope = manager.newSubManager()) {
            return network.logitFactor(new ParameterStore(scope, false), scope.zeros(new Shape(1)), false).getFloat();
        }
    }

    /** Parameter counts: vision tower, text tower, and the projections with the logit scale. */
    public Map<String, Long> parameterCounts() {
        return foreign != null ? foreign.parameterCounts() : network.parameterCounts();
    }

    /** Whether {@link #fusion()} is available: the model has matching, answer and caption heads. */
    public boolean hasFusion() {
        return foreign == null && network.hasFusion();
    }

    /**
     * Image–text matching, question answering and captioning with this model's fusion heads; one
     * clear {@link UserInputException} when the model has none.
     */
    public FusionInference fusion() {
        if (foreign != null) {
            throw new UserInputException("model " + name + " runs on " + runtime.name() + " and has no fusion heads "
                    + "(matching, question answering, captioning are not exported); use a DJL fusion model for them");
        }
        if (!network.hasFusion()) {
            throw new UserInputException("model " + name + " has no fusion heads (matching, question answering, captioning); "
                    + "use a model trained with them, such as models/autoglm-shapes-tiny-fusion");
        }
        return new FusionInference(manager, network, tokenizer, processor);
    }

    // ---- embedding --------------------------------------------------------------------------

    public float[][] embedTexts(List<String> texts) {
        return embedTexts(texts, EmbedOptions.defaults());
    }

    public float[][] embedTexts(List<String> texts, EmbedOptions options) {
        return embedTextsCounted(texts, options).vectors();
    }

    /**
     * Embeds texts and says what was read of each. A text longer than the context is split into
     * {@link TextWindows} whose embeddings are pooled (or cut, with {@link EmbedOptions#truncate()});
     * the windows of all texts are batched together, {@code batchSize} rows per model call.
     */
    public TextEmbeddings embedTextsCounted(List<String> texts, EmbedOptions options) {
        int t = tokenizer.contextLength();
        int n = texts.size();
        int[] tokens = new int[n];
        int[] windowCounts = new int[n];
        boolean[] truncated = new boolean[n];
        List<long[]> rows = new ArrayList<>(); // each (T): every window of every text, in order
        for (int i = 0; i < n; i++) {
            long[] raw = tokenizer.encodeFull(texts.get(i));
            tokens[i] = raw.length;
            if (options.truncate() || raw.length <= t) {
                truncated[i] = raw.length > t;
                windowCounts[i] = 1;
                rows.add(tokenizer.cut(raw));
            } else {
                TextWindows.checkLimit(i, raw.length, t, options.maxWindows());
                List<long[]> windows = TextWindows.split(raw, t, config().text().padId());
                windowCounts[i] = windows.size();
                rows.addAll(windows);
            }
        }
        float[][] rowVectors = embedRows(rows, t, options); // (R, P)
        float[][] out = new float[n][];
        int row = 0;
        for (int i = 0; i < n; i++) {
            float[][] mine = java.util.Arrays.copyOfRange(rowVectors, row, row + windowCounts[i]); // (W, P)
            out[i] = TextWindows.pool(mine, options.normalize()); // (P)
            row += windowCounts[i];
        }
        return new TextEmbeddings(out, tokens, windowCounts, truncated);
    }

    /** Rows of T ids through the text tower, {@code batchSize} at a time. (R, T) -> (R, P) */
    private float[][] embedRows(List<long[]> rows, int t, EmbedOptions options) {
        float[][] out = new float[rows.size()][];
        long eos = config().text().eosId();
        for (int start = 0; start < rows.size(); start += options.batchSize()) {
            int b = Math.min(options.batchSize(), rows.size() - start);
            long[] ids = new long[b * t]; // (B, T) padded to the context length
            for (int k = 0; k < b; k++) {
                System.arraycopy(rows.get(start + k), 0, ids, k * t, t);
            }
            // Only the columns up to the last end token: the same embeddings for a fraction of the compute.
            int used = TokenColumns.usedLength(ids, b, t, eos);
            float[][] part = embedTokenIds(TokenColumns.firstColumns(ids, b, t, used), b, used, options.normalize()); // (B, P)
            System.arraycopy(part, 0, out, start, b);
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
        return runtime.embedPixels(pixels, count, normalize);
    }

    /** Token ids (B, T), row-major, to embeddings (B, P). */
    public float[][] embedTokenIds(long[] ids, int count, int length, boolean normalize) {
        StopSignal.process().check(); // a safe point: a stopping job ends between batches, not inside libtorch
        return runtime.embedTokenIds(ids, count, length, normalize);
    }

    /** The encoder backend the embedding calls end in (DJL's PyTorch, or ONNX Runtime for an ONNX folder). */
    public EmbeddingRuntime runtime() {
        return runtime;
    }

    // ---- similarity and zero-shot (kept for callers; the code lives in Vectors and ZeroShotClassifier) -------

    /** {@link Vectors#similarity}: (A, D) x (B, D) -> (A, B) */
    public static float[][] similarity(float[][] a, float[][] b) {
        return Vectors.similarity(a, b);
    }

    /** {@link ZeroShotClassifier#classify} with this model. */
    public List<ZeroShotResult> zeroShot(List<RgbImage> images, List<String> labels, List<String> templates) {
        return ZeroShotClassifier.classify(this, images, labels, templates);
    }

    /** {@link ZeroShotClassifier#scoreLabels}. */
    public static ZeroShotResult scoreLabels(float[] image, float[][] classes, List<String> labels, float logitScale) {
        return ZeroShotClassifier.scoreLabels(image, classes, labels, logitScale);
    }

    /** {@link ZeroShotClassifier#labelEmbeddings} with this model. (L labels, P templates) -> (L, D) */
    public float[][] labelEmbeddings(List<String> labels, List<String> templates) {
        return ZeroShotClassifier.labelEmbeddings(this, labels, templates);
    }

    /** {@link ZeroShotClassifier#ensemblePrompts}: (L * P, D) -> (L, D) */
    public static float[][] ensemblePrompts(float[][] e, int labelCount, int p) {
        return ZeroShotClassifier.ensemblePrompts(e, labelCount, p);
    }

    // ---- saving -----------------------------------------------------------------------------

    /**
     * Writes our model directory: config.json, model.safetensors, tokenizer.json, preprocessor.json
     * and provenance.json (what made it, from what, when, with which versions). Each file is
     * written atomically.
     */
    public void save(Path dir, ObjectNode extraProvenance) throws IOException {
        saveWith(dir, provenance.withDetails(extraProvenance));
    }

    /**
     * As {@link #save(Path, ObjectNode)}, with a provenance the caller built (usually
     * {@link #typedProvenance()} with more details: the trainer adds its training record); it is
     * stamped with this build and the time now, and the weights' hash is added.
     */
    public void saveWith(Path dir, Provenance provenance) throws IOException {
        requireDjl("weights to save as a model directory");
        ModelWriter.write(dir, network, processor.config(), tokenizerJson, provenance.stampedNow());
    }

    /** provenance.json as loaded (or as made by random initialization), as JSON. */
    public ObjectNode provenance() {
        return provenance.toJson();
    }

    /** The same, typed. */
    public Provenance typedProvenance() {
        return provenance;
    }

    @Override
    public void close() {
        tokenizer.close();
        if (manager != null) {
            manager.close();
        } else {
            closeRuntime(runtime);
        }
    }
}
