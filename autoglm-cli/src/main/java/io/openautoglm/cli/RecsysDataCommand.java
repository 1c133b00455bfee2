package io.openautoglm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.data.NodeEncoder;
import io.openautoglm.graph.recsys.RecsysFiles;
import io.openautoglm.graph.recsys.RecsysGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "recsys", mixinStandardHelpOptions = true,
        description = {"Generate a cross-modal recommendation set: items are one-object ShapeWorld pictures with captions,",
            "users have planted tastes (favourite shape and colour, preferred size), items a latent appeal that also",
            "drives exposure (popularity bias). Each user sees 40 items in time order and clicks or not; a like",
            "(rarer) implies a click. Per user the first 70%% of impressions are train, then 10%% val, 20%% test; the",
            "last 20%% of items are cold-start (shown only in val/test). Item features are --model's image embedding",
            "followed by its caption embedding. Writes DIR/images, items.jsonl, users.jsonl, interactions.jsonl, recsys.json.",
            "Rank with: autoglm graph recommend train --data DIR --model two-tower|dcn --out RUN"})
final class RecsysDataCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (must be empty or absent).")
    Path out;

    @Option(names = "--users", defaultValue = "1000", paramLabel = "N", description = "Users, 10 or more (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--items", defaultValue = "500", paramLabel = "M", description = "Items, 30 or more (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ModelOption model;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        RecsysGenerator generator = new RecsysGenerator(users, items, seed); // checks the counts before any model loads
        if (Files.isDirectory(out)) {
            try (var list = Files.list(out)) {
                if (list.findAny().isPresent()) {
                    throw new UserInputException(out + " is not empty: give a new folder to --out");
                }
            }
        } else if (Files.exists(out)) {
            throw new UserInputException(out + " is a file: give a folder to --out");
        }
        Path modelDir = model.resolve();
        RecsysGenerator.Dataset data = generator.generate();
        try (MultimodalModel encoder = MultimodalModel.load(modelDir)) {
            NodeEncoder adapter = new NodeEncoder() {
                @Override
                public float[][] embedImageFiles(List<Path> files) {
                    return encoder.embedImageFiles(files, EmbedOptions.defaults());
                }

                @Override
                public float[][] embedTexts(List<String> texts) {
                    return encoder.embedTexts(texts);
                }
            };
            RecsysFiles.write(out, data, adapter, modelDir.toString(), seed);
        }
        JsonNode summary = Json.MAPPER.readTree(out.resolve(RecsysFiles.SUMMARY).toFile());
        PrintWriter o = spec.commandLine().getOut();
        if (format.json()) {
            o.println(Json.pretty(summary));
        } else {
            o.printf("%d users, %d items (%d cold-start), %d impressions, %d clicks, %d likes in %s%n", summary.get("users").asInt(),
                    summary.get("items").asInt(), summary.get("cold_items").asInt(), summary.get("interactions").asInt(),
                    summary.get("clicks").asInt(), summary.get("likes").asInt(), out);
        }
        o.flush();
        return 0;
    }
}
