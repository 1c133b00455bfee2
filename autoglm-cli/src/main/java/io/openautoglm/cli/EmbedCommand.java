package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.TextEmbeddings;
import io.openautoglm.core.UserInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed texts and images into the model's shared space.",
            "Prints texts first, in the order given, then images, in the order given.",
            "A text longer than the model's context is split into overlapping windows of the context length (a quarter",
            "of each shared with the next) whose unit embeddings are averaged and normalized; --truncate cuts it to",
            "the context instead, as CLIP does. The JSON items of texts say \"tokens\" and \"windows\" (or \"truncated\")."})
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = {"-t", "--text"}, paramLabel = "TEXT", description = "A text to embed; repeat for more.")
    List<String> texts = new ArrayList<>();

    @Option(names = {"-i", "--image"}, paramLabel = "FILE", description = "An image file to embed; repeat for more.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Items per model batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--no-normalize", description = "Keep raw projections instead of unit-length vectors (default: normalized).")
    boolean noNormalize;

    @Option(names = "--truncate", description = "Cut texts longer than the context to its first tokens (CLIP's behaviour) "
            + "instead of embedding them in pooled windows.")
    boolean truncate;

    @Option(names = "--max-windows", paramLabel = "N", defaultValue = "" + EmbedOptions.DEFAULT_MAX_WINDOWS,
            description = "Most windows one text may take; a longer text is an error (default: ${DEFAULT-VALUE}).")
    int maxWindows;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (texts.isEmpty() && images.isEmpty()) {
            throw new UserInputException("nothing to embed: give at least one --text or --image");
        }
        EmbedOptions options = new EmbedOptions(batchSize, !noNormalize, truncate, maxWindows);
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            TextEmbeddings textEmbeds = m.embedTextsCounted(texts, options);
            float[][] imageEmbeds = m.embedImageFiles(images, options);
            ObjectNode root = Json.object();
            root.put("model", m.name());
            root.put("dim", m.embeddingDim());
            root.put("normalized", options.normalize());
            ArrayNode items = root.putArray("items");
            for (int i = 0; i < texts.size(); i++) {
                ObjectNode item = item("text", texts.get(i), textEmbeds.vectors()[i]);
                item.put("tokens", textEmbeds.tokens()[i]);
                if (textEmbeds.truncated()[i]) {
                    item.put("truncated", true);
                } else {
                    item.put("windows", textEmbeds.windows()[i]);
                }
                items.add(item);
            }
            for (int i = 0; i < images.size(); i++) {
                items.add(item("image", images.get(i).toString(), imageEmbeds[i]));
            }
            if (format.json()) {
                out.println(Json.compact(root));
            } else {
                printTable(out, root);
            }
        }
        out.flush();
        return 0;
    }

    private static ObjectNode item(String type, String input, float[] embedding) {
        ObjectNode o = Json.object();
        o.put("type", type);
        o.put("input", input);
        o.set("embedding", Json.floats(embedding));
        return o;
    }

    private static void printTable(PrintWriter out, ObjectNode root) {
        out.printf("model %s, %d dimensions, %s%n", root.get("model").asText(), root.get("dim").asInt(),
                root.get("normalized").asBoolean() ? "normalized" : "not normalized");
        out.printf("%-6s %-40s %8s  %s%n", "type", "input", "norm", "first values");
        for (var item : root.get("items")) {
            var e = item.get("embedding");
            double norm = 0;
            StringBuilder head = new StringBuilder();
            for (int k = 0; k < e.size(); k++) {
                norm += e.get(k).asDouble() * e.get(k).asDouble();
                if (k < 4) {
                    head.append(String.format("%+.4f ", e.get(k).asDouble()));
                }
            }
            out.printf("%-6s %-40s %8.4f  %s...%n", item.get("type").asText(), Text.clip(item.get("input").asText(), 40),
                    Math.sqrt(norm), head);
        }
        out.println("(--format json prints the full vectors)");
    }
}
