package io.openautoglm.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What made an artifact (a saved model, a checkpoint, an index): the format, the versions of our
 * code, DJL, the engine and Java, when, and the weights' SHA-256, plus free-form details the
 * writer adds (how it was initialized, converted or trained) in {@code details}. Reads every
 * provenance.json written before this type existed: the known keys become fields, every other key
 * stays in {@code details}, and {@link #toJson()} writes the same keys back. A null field is absent
 * from the JSON (a Hugging Face folder has no provenance at all).
 */
public record Provenance(String format, String autoglmVersion, String djlVersion, String engine, String javaVersion,
        String savedAt, String weightsSha256, ObjectNode details) {
    public static final String FORMAT = "open-autoglm";
    private static final Set<String> FIELDS = Set.of("format", "autoglm_version", "djl_version", "engine", "java_version",
            "saved_at", "weights_sha256");

    public Provenance {
        details = details == null ? JsonNodeFactory.instance.objectNode() : details.deepCopy();
    }

    /** Nothing recorded. */
    public static Provenance none() {
        return new Provenance(null, null, null, null, null, null, null, null);
    }

    /** Only writer-specific details (a random initialization's seed), no build stamp yet. */
    public static Provenance ofDetails(ObjectNode details) {
        return new Provenance(null, null, null, null, null, null, null, details);
    }

    /** A provenance.json's content as written by any version; a missing or non-object node is {@link #none()}. */
    public static Provenance fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            return none();
        }
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!FIELDS.contains(e.getKey())) {
                details.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return new Provenance(text(node, "format"), text(node, "autoglm_version"), text(node, "djl_version"),
                text(node, "engine"), text(node, "java_version"), text(node, "saved_at"), text(node, "weights_sha256"), details);
    }

    /** These details stamped with this build (our version, DJL's, the engine's, Java's) and the time now. */
    public Provenance stampedNow() {
        return new Provenance(FORMAT, MultimodalModel.VERSION, ai.djl.engine.Engine.getDjlVersion(),
                TorchRuntime.ENGINE + " " + TorchRuntime.engine().getVersion(), System.getProperty("java.version"),
                Instant.now().toString(), weightsSha256, details);
    }

    /** The same with {@code more}'s keys added to the details (replacing equal keys). */
    public Provenance withDetails(ObjectNode more) {
        ObjectNode merged = details.deepCopy();
        if (more != null) {
            merged.setAll(more.deepCopy());
        }
        return new Provenance(format, autoglmVersion, djlVersion, engine, javaVersion, savedAt, weightsSha256, merged);
    }

    public Provenance withWeightsSha256(String sha256) {
        return new Provenance(format, autoglmVersion, djlVersion, engine, javaVersion, savedAt, sha256, details);
    }

    @Override
    public ObjectNode details() {
        return details.deepCopy(); // the record stays immutable
    }

    /** The provenance.json object: the details first, then the stamp, then the weights' hash (the order files had). */
    public ObjectNode toJson() {
        ObjectNode o = details.deepCopy();
        put(o, "format", format);
        put(o, "autoglm_version", autoglmVersion);
        put(o, "djl_version", djlVersion);
        put(o, "engine", engine);
        put(o, "java_version", javaVersion);
        put(o, "saved_at", savedAt);
        put(o, "weights_sha256", weightsSha256);
        return o;
    }

    private static void put(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
