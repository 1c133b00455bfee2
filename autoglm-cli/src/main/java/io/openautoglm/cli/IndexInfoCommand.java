package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.VectorIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "What an index holds: item count, its model (name, weights hash, dimension), settings, size on disk.")
final class IndexInfoCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "DIR", description = "The index folder.")
    Path index;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        IndexDirectory dir = IndexDirectory.read(index);
        int count;
        try (VectorIndex vectors = dir.open(false)) {
            count = vectors.count();
        }
        ObjectNode root = Json.object();
        root.put("index", index.toString());
        root.put("count", count);
        root.set("model", dir.model().toJson());
        root.put("dim", dir.model().dim());
        root.put("kind", dir.settings().kind().name());
        root.put("quantization", dir.settings().quantization().name());
        root.set("settings", dir.settings().toJson());
        root.put("size_bytes", dir.sizeBytes());
        root.put("created_at", dir.createdAt());
        root.put("autoglm_version", dir.header().path("autoglm_version").asText());
        root.put("lucene_version", dir.header().path("lucene_version").asText());
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            out.println(Json.compact(root));
        } else {
            out.printf("index     %s%n", index);
            out.printf("items     %d%n", count);
            out.printf("kind      %s%n", dir.settings().describe());
            out.printf("model     %s%n", dir.model().describe());
            out.printf("size      %.1f MB%n", dir.sizeBytes() / 1e6);
            out.printf("created   %s (autoglm %s, Lucene %s)%n", dir.createdAt(), root.get("autoglm_version").asText(),
                    root.get("lucene_version").asText());
        }
        out.flush();
        return 0;
    }
}
