package io.openautoglm.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.Provenance;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * An index folder: {@code index.json} (what kind of index, its settings, the identity of the
 * model that fills it, provenance), written once and atomically when the index is created,
 * before any vector; then the data ({@code lucene/} for HNSW, {@code vectors.bin} for exact).
 *
 * @param createdAt ISO-8601 instant the index was created
 */
public record IndexDirectory(Path dir, IndexSettings settings, ModelIdentity model, String createdAt, ObjectNode header) {
    public static final String HEADER = "index.json";
    static final String FORMAT = "open-autoglm-index";
    static final String LUCENE = "lucene";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(HEADER));
    }

    /** Reads {@code index.json}; one clear error when {@code dir} is not an index. */
    public static IndexDirectory read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserInputException("index " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + "; create one with: autoglm index build --index " + dir + " --images DIR");
        }
        if (!exists(dir)) {
            throw new UserInputException(dir + " is not an autoglm index (no " + HEADER + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(dir.resolve(HEADER).toFile());
        } catch (IOException e) {
            throw new UserInputException("cannot read " + dir.resolve(HEADER) + ": " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode o) || !FORMAT.equals(root.path("format").asText())) {
            throw new UserInputException(dir.resolve(HEADER) + " is not an autoglm index header (\"format\": \"" + FORMAT + "\")");
        }
        return new IndexDirectory(dir, IndexSettings.fromJson(o.path("settings")), ModelIdentity.fromJson(o.path("model")),
                o.path("created_at").asText(), o);
    }

    /** Creates the folder and its header; refuses a folder that holds anything else. */
    public static IndexDirectory create(Path dir, IndexSettings settings, ModelIdentity model) {
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new UserInputException("index path " + dir + " is a file, not a folder");
                }
                try (Stream<Path> files = Files.list(dir)) {
                    if (files.findAny().isPresent()) {
                        throw new UserInputException("index folder " + dir + " is not empty and is not an autoglm index;"
                                + " choose a new folder");
                    }
                }
            }
            ObjectNode header = JSON.createObjectNode();
            header.put("format", FORMAT);
            header.set("settings", settings.toJson());
            header.set("model", model.toJson());
            // The build stamp comes from the same record a saved model's provenance.json does; the keys
            // stay flat in the header, as older indexes have them.
            Provenance provenance = Provenance.ofDetails(JSON.createObjectNode()
                    .put("lucene_version", org.apache.lucene.util.Version.LATEST.toString())).stampedNow();
            header.put("created_at", provenance.savedAt());
            ObjectNode stamp = provenance.toJson();
            stamp.remove(List.of("format", "saved_at")); // the header has its own format; created_at is the time
            header.setAll(stamp);
            AtomicFiles.writeString(dir.resolve(HEADER), JSON.writeValueAsString(header));
            return new IndexDirectory(dir, settings, model, header.get("created_at").asText(), header);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create index " + dir, e);
        }
    }

    /**
     * What built the index, typed: our version, DJL's, the engine's and Java's, the creation time,
     * and Lucene's version in the details. Headers from before DJL and the engine were recorded
     * read with those two null.
     */
    public Provenance provenance() {
        ObjectNode details = JSON.createObjectNode();
        if (header.hasNonNull("lucene_version")) {
            details.put("lucene_version", header.get("lucene_version").asText());
        }
        return new Provenance(null, text("autoglm_version"), text("djl_version"), text("engine"), text("java_version"),
                text("created_at"), null, details);
    }

    private String text(String key) {
        JsonNode v = header.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Opens the data. @param writable false to search only (no write lock) */
    public VectorIndex open(boolean writable) {
        return switch (settings.kind()) {
            case hnsw -> LuceneVectorIndex.open(dir.resolve(LUCENE), settings, model, writable);
            case exact -> ExactVectorIndex.open(dir, model);
        };
    }

    /** Bytes on disk, every file of the folder. */
    public long sizeBytes() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a Lucene temp file deleted while we walk
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
