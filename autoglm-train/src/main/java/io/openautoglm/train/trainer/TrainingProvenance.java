package io.openautoglm.train.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.Provenance;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a training run did, as the {@code "training"} block in the details of a checkpoint's or a
 * final model's {@link Provenance}: steps, samples, loss, seed, the data and its hash, the model it
 * started from and that model's weights hash, the config, the last validation metrics. Reads
 * every block the trainer has written (older ones lack {@code init_from_weights_sha256}) and writes
 * the same keys, in the same order.
 *
 * @param valManifest, initFrom, initFromWeightsSha256 null when the run had none (absent from the JSON)
 * @param metrics the last validation's metrics, in the order they were reported (empty before any)
 */
public record TrainingProvenance(long steps, long samplesSeen, double finalLoss, long seed, String trainManifest,
        String trainManifestSha256, String valManifest, String initFrom, String initFromWeightsSha256, String configYaml,
        Map<String, Double> metrics, String finishedAt) {
    /** The key of this block in the provenance details. */
    public static final String KEY = "training";

    public TrainingProvenance {
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The training block of {@code provenance}, if it has one (a randomly initialized or imported model has none). */
    public static Optional<TrainingProvenance> of(Provenance provenance) {
        JsonNode block = provenance.details().get(KEY);
        return block != null && block.isObject() ? Optional.of(fromJson(block)) : Optional.empty();
    }

    public static TrainingProvenance fromJson(JsonNode o) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            metrics.put(e.getKey(), e.getValue().asDouble());
        }
        return new TrainingProvenance(o.path("steps").asLong(), o.path("samples_seen").asLong(),
                o.path("final_loss").asDouble(Double.NaN), o.path("seed").asLong(), text(o, "train_manifest"),
                text(o, "train_manifest_sha256"), text(o, "val_manifest"), text(o, "init_from"), text(o, "init_from_weights_sha256"),
                text(o, "config_yaml"), metrics, text(o, "finished_at"));
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("steps", steps);
        o.put("samples_seen", samplesSeen);
        o.put("final_loss", finalLoss);
        o.put("seed", seed);
        putIfPresent(o, "train_manifest", trainManifest);
        putIfPresent(o, "train_manifest_sha256", trainManifestSha256);
        putIfPresent(o, "val_manifest", valManifest);
        putIfPresent(o, "init_from", initFrom);
        putIfPresent(o, "init_from_weights_sha256", initFromWeightsSha256);
        putIfPresent(o, "config_yaml", configYaml);
        ObjectNode m = o.putObject("metrics");
        metrics.forEach(m::put);
        putIfPresent(o, "finished_at", finishedAt);
        return o;
    }

    /** {@code base} (the model's provenance as loaded or initialized) with this block as its training details. */
    public Provenance addTo(Provenance base) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.set(KEY, toJson());
        return base.withDetails(details);
    }

    private static void putIfPresent(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
