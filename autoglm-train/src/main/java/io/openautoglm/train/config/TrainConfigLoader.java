package io.openautoglm.train.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a {@link TrainConfig}: built-in defaults, overlaid by a YAML file, overlaid by
 * {@code key=value} overrides ({@code optim.lr=1e-3}). Unknown keys are refused by name.
 */
public final class TrainConfigLoader {
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private TrainConfigLoader() {}

    /** The defaults every config starts from (the {@code tiny} preset, 2,000 steps). */
    public static ObjectNode defaults() {
        try (InputStream in = TrainConfigLoader.class.getResourceAsStream("/io/openautoglm/train/defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("defaults.yaml is missing from the jar", e);
        }
    }

    public static TrainConfig load(Path yaml, List<String> overrides) {
        ObjectNode tree = defaults();
        if (yaml != null) {
            if (!Files.isRegularFile(yaml)) {
                throw new UserInputException("config file " + yaml + " does not exist");
            }
            JsonNode user;
            try {
                user = YAML.readTree(yaml.toFile());
            } catch (IOException e) {
                throw new UserInputException(yaml + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (user != null && !user.isMissingNode() && !user.isNull()) {
                if (!user.isObject()) {
                    throw new UserInputException(yaml + " must be a YAML mapping of sections (data, model, optim, run)");
                }
                merge(tree, (ObjectNode) user, "");
            }
        }
        for (String override : overrides) {
            applyOverride(tree, override);
        }
        return bind(tree, yaml == null ? "config" : yaml.toString());
    }

    /**
     * A config saved as YAML (a checkpoint's {@code config_yaml}) laid over today's defaults: a
     * checkpoint written before a key existed reads as if it had the key's default.
     */
    public static TrainConfig fromSavedYaml(String yaml, String source) {
        ObjectNode tree = defaults();
        JsonNode saved;
        try {
            saved = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UserInputException(source + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (saved instanceof ObjectNode object) {
            merge(tree, object, "");
        }
        return bind(tree, source);
    }

    /** Binds a complete tree, turning Jackson's complaints into one line naming the key. */
    public static TrainConfig bind(JsonNode tree, String source) {
        try {
            return YAML.treeToValue(tree, TrainConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : " (known keys here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
            throw new UserInputException(source + ": unknown key '" + path(e) + "'" + known);
        } catch (InvalidFormatException e) {
            throw new UserInputException(source + ": key '" + path(e) + "' has the wrong type of value ('" + e.getValue() + "')");
        } catch (MismatchedInputException e) {
            throw new UserInputException(source + ": key '" + path(e) + "' has the wrong type of value");
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UserInputException u) {
                throw new UserInputException(source + ": " + u.getMessage().replaceFirst("^config: ", ""));
            }
            throw new UserInputException(source + ": " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof UserInputException u) {
                throw new UserInputException(source + ": " + u.getMessage().replaceFirst("^config: ", ""));
            }
            throw new UserInputException(source + ": " + e.getMessage());
        }
    }

    /** Writes the resolved config back as YAML (saved beside every checkpoint). */
    public static String toYaml(TrainConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static void merge(ObjectNode into, ObjectNode from, String prefix) {
        from.fields().forEachRemaining(e -> {
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode target && e.getValue() instanceof ObjectNode source) {
                merge(target, source, prefix + e.getKey() + ".");
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    /** {@code section.key=value}; the value is read as YAML, so numbers, booleans and null work. */
    static void applyOverride(ObjectNode tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new UserInputException("--set expects key=value (e.g. optim.lr=0.001), got '" + override + "'");
        }
        String[] keys = override.substring(0, eq).trim().split("\\.");
        String raw = override.substring(eq + 1);
        JsonNode value;
        try {
            value = raw.isEmpty() ? tree.textNode("") : YAML.readTree(raw);
        } catch (IOException e) {
            value = tree.textNode(raw);
        }
        if (value == null || value.isMissingNode()) {
            value = tree.nullNode();
        }
        ObjectNode node = tree;
        for (int i = 0; i < keys.length - 1; i++) {
            JsonNode child = node.get(keys[i]);
            if (!(child instanceof ObjectNode obj)) {
                throw new UserInputException("--set " + override + ": '" + String.join(".", List.of(keys).subList(0, i + 1))
                        + "' is not a config section (sections: data, model, optim, run)");
            }
            node = obj;
        }
        node.set(keys[keys.length - 1], value);
    }
}
