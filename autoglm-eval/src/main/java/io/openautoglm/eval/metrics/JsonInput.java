package io.openautoglm.eval.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Reading the metric input files, with one clear message per mistake. */
final class JsonInput {
    // Trailing text after the JSON value is an error, as it is for Python's json.load.
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonInput() {}

    static JsonNode read(Path file, String option) {
        if (!Files.exists(file)) {
            throw new UserInputException(option + " " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new UserInputException(option + " " + file + " is a directory, not a JSON file");
        }
        try {
            JsonNode node = MAPPER.readTree(file.toFile());
            if (node == null || node.isMissingNode()) {
                throw new UserInputException(option + " " + file + " is empty: expected JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new UserInputException(option + " " + file + " is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (NoSuchFileException e) {
            throw new UserInputException(option + " " + file + " does not exist");
        } catch (IOException e) {
            throw new UserInputException("cannot read " + option + " " + file + ": " + e.getMessage());
        }
    }

    /**
     * An id as the reference tools key it: integers and strings are distinct (7 and "7" are two
     * ids, as in Python). Returns null for anything else.
     */
    static String idKey(JsonNode id) {
        if (id == null) {
            return null;
        }
        if (id.isIntegralNumber()) {
            return id.bigIntegerValue().toString();
        }
        if (id.isTextual()) {
            return id.toString(); // quoted, so it can never equal an integer's key
        }
        return null;
    }

    /** A field that must be present and a string; {@code where} names the record for the message. */
    static String text(JsonNode record, String field, Path file, String option, String where) {
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            throw new UserInputException(option + " " + file + ": " + where + " has no \"" + field + "\"");
        }
        if (!v.isTextual()) {
            throw new UserInputException(option + " " + file + ": " + where + " has a \"" + field + "\" that is not a string: " + abbreviate(v));
        }
        return v.asText();
    }

    /** A field that must be present and an integer or string id. */
    static String id(JsonNode record, String field, Path file, String option, String where) {
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            throw new UserInputException(option + " " + file + ": " + where + " has no \"" + field + "\"");
        }
        String key = idKey(v);
        if (key == null) {
            throw new UserInputException(option + " " + file + ": " + where + " has a \"" + field
                    + "\" that is neither an integer nor a string: " + abbreviate(v));
        }
        return key;
    }

    /**
     * A results array of {@code {idKey: id, valueKey: "..."}} objects as id -> value, in file order:
     * each entry must be an object, name a known id, and name it once.
     *
     * @param unknown the end of the message for an unknown id (", which is not in --annotations A")
     * @param repeated the middle of the message for a repeated id ("is answered twice")
     * @param rule the end of that message (the protocol's rule)
     */
    static Map<String, String> keyedResults(JsonNode root, Path file, String option, String idKey, String valueKey,
            Predicate<String> known, String unknown, String repeated, String rule) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> where = new HashMap<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode r = root.get(i);
            String at = "results[" + i + "]";
            if (!r.isObject()) {
                throw new UserInputException(option + " " + file + ": " + at + " is not an object");
            }
            String id = id(r, idKey, file, option, at);
            String value = text(r, valueKey, file, option, at);
            if (!known.test(id)) {
                throw new UserInputException(option + " " + file + ": " + at + " names " + idKey + " " + id + unknown);
            }
            Integer before = where.put(id, i);
            if (before != null) {
                throw new UserInputException(option + " " + file + ": " + idKey + " " + id + " " + repeated + " (results["
                        + before + "] and " + at + "); " + rule);
            }
            values.put(id, value);
        }
        return values;
    }

    static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
