package io.openautoglm.core.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * A dataset as a JSONL manifest, one record a line: {@code {"image": "relative/path.png",
 * "caption": "..."}} plus keys per task ({@code label}, {@code question}, {@code answers},
 * {@code split}). Image paths are relative to the manifest's folder (absolute paths are kept).
 * Blank lines and lines starting with {@code #} are skipped.
 */
public final class Manifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<ManifestRecord> records;

    private Manifest(Path file, List<ManifestRecord> records) {
        this.file = file;
        this.records = List.copyOf(records);
    }

    /** Reads and checks every line; a malformed line is one error naming the file and line. */
    public static Manifest read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("manifest " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
        }
        Path base = file.toAbsolutePath().getParent();
        List<ManifestRecord> records = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                records.add(parse(file, base, number, trimmed));
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read manifest " + file + ": " + e.getMessage(), e);
        }
        if (records.isEmpty()) {
            throw new UserInputException("manifest " + file + " has no records");
        }
        return new Manifest(file, records);
    }

    private static ManifestRecord parse(Path file, Path base, int number, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UserInputException(file + ":" + number + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new UserInputException(file + ":" + number + ": expected a JSON object like {\"image\": \"a.png\", \"caption\": \"...\"}");
        }
        JsonNode image = object.get("image");
        if (image == null || !image.isTextual() || image.asText().isBlank()) {
            throw new UserInputException(file + ":" + number + ": missing \"image\" (a path relative to the manifest)");
        }
        for (String key : new String[] {"caption", "captions"}) {
            JsonNode v = object.get(key);
            if (v != null && !(key.equals("caption") ? v.isTextual() : v.isArray())) {
                throw new UserInputException(file + ":" + number + ": \"" + key + "\" must be "
                        + (key.equals("caption") ? "a string" : "an array of strings"));
            }
        }
        return new ManifestRecord(number, base.resolve(image.asText()).normalize(), ManifestRecord.captionsOf(object), object);
    }

    public Path file() {
        return file;
    }

    public List<ManifestRecord> records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    /** The records a predicate keeps, e.g. {@code r -> "val".equals(r.get("split"))}. */
    public Manifest filter(Predicate<ManifestRecord> keep) {
        return new Manifest(file, records.stream().filter(keep).toList());
    }

    /** Writes JSON objects as a manifest, one a line, atomically. */
    public static void write(Path file, Collection<? extends JsonNode> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : lines) {
            sb.append(JSON.writeValueAsString(n)).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
