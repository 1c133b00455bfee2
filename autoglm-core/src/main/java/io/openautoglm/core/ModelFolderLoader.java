package io.openautoglm.core;

import io.openautoglm.core.model.clip.CheckpointLayout;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A model folder that another backend runs (ONNX Runtime in autoglm-onnx), found with
 * {@link java.util.ServiceLoader}: {@link MultimodalModel#load} asks every registered loader before
 * reading the folder as a DJL checkpoint, so core never names the backend. Register an
 * implementation in {@code META-INF/services/io.openautoglm.core.ModelFolderLoader}.
 */
public interface ModelFolderLoader {
    /** Whether this loader runs {@code dir} (by the files in it); cheap, no parsing of large files. */
    boolean recognizes(Path dir);

    /** Opens the folder; one clear {@link UserInputException} when it is broken. The caller closes the result. */
    LoadedFolder load(Path dir);

    /**
     * What a backend hands {@link MultimodalModel}: the encoders, and everything tokenizing, preprocessing
     * and zero-shot need. {@code runtime} is closed with the model when it is {@link AutoCloseable}.
     *
     * @param tokenizer the folder's tokenizer.json
     * @param logitScale exp(logit_scale), the factor on cosines in CLIP's logits
     * @param parameterCounts as {@link MultimodalModel#parameterCounts()}: vision, text, projections, fusion, total
     * @param weightsSha256 what identifies these weights for an index: for an export, the SHA-256 of the
     *     checkpoint it was exported from (the same vector space, checked at export); else of the graph files
     *     (asked only by indexes and the server's search, so a large folder is not hashed on every load)
     */
    record LoadedFolder(EmbeddingRuntime runtime, ClipConfig config, PreprocessorConfig preprocessor, Path tokenizer,
            Provenance provenance, float logitScale, Map<String, Long> parameterCounts, CheckpointLayout layout,
            Supplier<String> weightsSha256) {}
}
