package io.openautoglm.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A request's JSON object, read strictly: malformed JSON, a non-object, an unknown field, a
 * missing or mistyped field each become one 400 naming the field. Handlers read fields through
 * it and never see a half-valid body.
 */
public final class JsonBody {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static {
        // Bounded nesting and numbers, whatever the body size allows.
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32).maxNumberLength(100).build());
    }

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /** Parses {@code body} as one JSON object whose keys are all in {@code allowed}. */
    public static JsonBody parse(byte[] body, Set<String> allowed) {
        if (body.length == 0) {
            throw ApiException.badRequest("invalid_json", "the request body is empty; send a JSON object");
        }
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(body);
        } catch (IOException e) {
            String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw ApiException.badRequest("invalid_json", "the request body is not valid JSON: " + why);
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw ApiException.badRequest("invalid_json", "the request body must be a JSON object");
        }
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiException.badRequest("unknown_field", "unknown field '" + f + "'; allowed: " + sorted(allowed));
            }
        }
        return new JsonBody(object);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    public boolean has(String field) {
        return node.hasNonNull(field);
    }

    public JsonNode get(String field) {
        return node.get(field);
    }

    public String requiredString(String field) {
        if (!has(field)) {
            throw ApiException.badRequest("missing_field", "missing field '" + field + "'");
        }
        return string(field);
    }

    public String optionalString(String field, String fallback) {
        return has(field) ? string(field) : fallback;
    }

    private String string(String field) {
        JsonNode v = node.get(field);
        if (!v.isTextual()) {
            throw ApiException.badRequest("invalid_field", "field '" + field + "' must be a string");
        }
        return v.asText();
    }

    /** A JSON boolean, or {@code fallback} when absent. */
    public boolean optionalBoolean(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (!v.isBoolean()) {
            throw ApiException.badRequest("invalid_field", "field '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    /** An integer in [min, max], or {@code fallback} when absent. */
    public int optionalInt(String field, int fallback, int min, int max) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ApiException.badRequest("invalid_field", "field '" + field + "' must be an integer in " + min + ".." + max);
        }
        return v.asInt();
    }

    /** A list of strings, each non-blank, 1..max of them; a single string counts as a list of one if {@code oneAllowed}. */
    public List<String> stringList(String field, boolean required, boolean oneAllowed, int max) {
        if (!has(field)) {
            if (required) {
                throw ApiException.badRequest("missing_field", "missing field '" + field + "'");
            }
            return List.of();
        }
        JsonNode v = node.get(field);
        List<String> out = new ArrayList<>();
        if (v.isTextual() && oneAllowed) {
            out.add(v.asText());
        } else if (v.isArray()) {
            for (JsonNode item : v) {
                if (!item.isTextual()) {
                    throw ApiException.badRequest("invalid_field", "field '" + field + "' must be a list of strings"
                            + (item.isNumber() || item.isArray() ? " (token-id arrays are not supported; send text)" : ""));
                }
                out.add(item.asText());
            }
        } else {
            throw ApiException.badRequest("invalid_field", "field '" + field + "' must be "
                    + (oneAllowed ? "a string or " : "") + "a list of strings");
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest("invalid_field", "field '" + field + "' is empty");
        }
        if (out.size() > max) {
            throw ApiException.badRequest("too_many_inputs", "field '" + field + "' has " + out.size()
                    + " items; at most " + max + " per request");
        }
        for (String s : out) {
            if (s.isBlank()) {
                throw ApiException.badRequest("invalid_field", "field '" + field + "' has an empty string");
            }
        }
        return out;
    }
}
