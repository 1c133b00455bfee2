package io.openautoglm.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Which model filled an index: vectors from two models live in different spaces, so an index
 * keeps the identity of its model and refuses vectors and queries from any other. Two identities
 * are the same model when their dimension and normalization agree and their weights do: the same
 * weights file (SHA-256 of its bytes) or, where both identities have it, the same tensors
 * ({@link WeightsFingerprint}: a copy written again, e.g. by {@code autoglm convert}, has other
 * bytes but the same tensors). The name and path are for people (and for finding the model again
 * to embed a query).
 *
 * @param path the model folder, absolute, as it was when the index was created
 * @param tensorsSha256 the tensors' fingerprint, or null (indexes made before it was recorded)
 */
public record ModelIdentity(String name, String weightsSha256, int dim, boolean normalized, String path, String tensorsSha256) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(weightsSha256, "weightsSha256");
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be positive, got " + dim);
        }
    }

    /** An identity by the weights file alone. */
    public ModelIdentity(String name, String weightsSha256, int dim, boolean normalized, String path) {
        this(name, weightsSha256, dim, normalized, path, null);
    }

    /** The identity of a loaded model: fingerprints the weights file of its folder (the only reliable fingerprint). */
    public static ModelIdentity of(Path modelDir, MultimodalModel model) {
        if (!model.runsOnDjl()) { // an ONNX folder: an export stands for the checkpoint it was checked against
            return new ModelIdentity(model.name(), model.foreignWeightsSha256(), model.embeddingDim(), true,
                    modelDir.toAbsolutePath().normalize().toString(), null);
        }
        Path weights = ModelDirectory.read(modelDir).weights();
        try {
            WeightsFingerprint f = WeightsFingerprint.of(weights);
            return new ModelIdentity(model.name(), f.fileSha256(), model.embeddingDim(), true,
                    modelDir.toAbsolutePath().normalize().toString(), f.tensorsSha256());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + weights, e);
        }
    }

    public boolean sameModelAs(ModelIdentity other) {
        boolean sameWeights = weightsSha256.equals(other.weightsSha256)
                || (tensorsSha256 != null && tensorsSha256.equals(other.tensorsSha256));
        return sameWeights && dim == other.dim && normalized == other.normalized;
    }

    /**
     * Refuses another model with one line that names both and says what to do.
     *
     * @param what the index, for the message
     */
    public void requireSameModel(ModelIdentity other, String what) {
        requireSameModel(other, what, "use the index's own model, or build a new index with this one");
    }

    /**
     * Refuses another model with one line: both models, why, and {@code remedy} (what the caller's user can do).
     *
     * @param what the index, for the message
     */
    public void requireSameModel(ModelIdentity other, String what, String remedy) {
        if (!sameModelAs(other)) {
            throw new UserInputException(what + " was built with model " + describe() + "; "
                    + (other.path != null ? "the model at " + other.path : "model " + other.name) + " is a different model ("
                    + other.name + ", " + other.dim + " dims, weights sha256 " + shortHash(other.weightsSha256)
                    + "): its vectors live in another space; " + remedy);
        }
    }

    /** {@code name (path, 64 dims, weights sha256 0123abcd...)} */
    public String describe() {
        return name + " (" + path + ", " + dim + " dims, weights sha256 " + shortHash(weightsSha256) + ")";
    }

    private static String shortHash(String sha) {
        return sha.substring(0, Math.min(12, sha.length())) + "...";
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        o.put("weights_sha256", weightsSha256);
        o.put("dim", dim);
        o.put("normalized", normalized);
        o.put("path", path);
        if (tensorsSha256 != null) {
            o.put("tensors_sha256", tensorsSha256);
        }
        return o;
    }

    public static ModelIdentity fromJson(JsonNode o) {
        return new ModelIdentity(o.path("name").asText(), o.path("weights_sha256").asText(), o.path("dim").asInt(),
                o.path("normalized").asBoolean(true), o.path("path").asText(null),
                o.path("tensors_sha256").asText(null));
    }
}
