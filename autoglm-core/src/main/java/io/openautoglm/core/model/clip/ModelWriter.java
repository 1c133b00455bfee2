package io.openautoglm.core.model.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.openautoglm.core.Provenance;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes our model directory, the layout {@link ModelDirectory} reads back: config.json,
 * model.safetensors, tokenizer.json, preprocessor.json and provenance.json. Each file is written
 * to a temporary name and renamed, the weights first so provenance can record their hash.
 */
public final class ModelWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelWriter() {}

    /**
     * @param tokenizerJson the tokenizer file's bytes (kept by the caller: the file it came from may be gone)
     * @param provenance what made the weights, stamped by the caller; the weights' hash is added here
     * @return the provenance as written, with the weights' hash
     */
    public static Provenance write(Path dir, ClipModel network, PreprocessorConfig preprocessor, byte[] tokenizerJson,
            Provenance provenance) throws IOException {
        Files.createDirectories(dir);
        Path weights = dir.resolve(ModelDirectory.WEIGHTS);
        ClipWeights.save(network, weights, Map.of("format", "pt", "producer", Provenance.FORMAT));
        Provenance written = provenance.withWeightsSha256(Sha256.of(weights));
        AtomicFiles.writeString(dir.resolve(ModelDirectory.CONFIG), JSON.writeValueAsString(network.config().toJson()));
        AtomicFiles.writeString(dir.resolve(ModelDirectory.PREPROCESSOR), JSON.writeValueAsString(preprocessor.toJson()));
        AtomicFiles.write(dir.resolve(ModelDirectory.TOKENIZER), out -> out.write(tokenizerJson));
        AtomicFiles.writeString(dir.resolve(ModelDirectory.PROVENANCE), JSON.writeValueAsString(written.toJson()));
        return written;
    }
}
