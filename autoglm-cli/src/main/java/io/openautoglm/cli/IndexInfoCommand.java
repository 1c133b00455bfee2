package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.VectorIndex;
import io.openautoglm.solr.SolrCollections;
import io.openautoglm.solr.SolrVectorIndex;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"What an index holds: item count, its model (name, weights hash, dimension), settings, size on disk.",
            "For a SolrCloud collection (--index solr://HOST:PORT/COLLECTION): shards, replicas and live nodes instead of the size."})
final class IndexInfoCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = IndexLocation.LABEL, description = "The index folder, or a SolrCloud collection.")
    String index;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        IndexLocation location = IndexLocation.parse(index);
        if (location.isSolr()) {
            return solrInfo(location);
        }
        IndexDirectory dir = IndexDirectory.read(location.folder());
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

    /** A collection: what its model document records, and its shape as the cluster state has it now. */
    private int solrInfo(IndexLocation location) {
        ObjectNode root = Json.object();
        SolrCollections.Shape shape;
        String modelText;
        String kindText;
        try (SolrVectorIndex vectors = SolrVectorIndex.open(location.solr())) {
            root.put("index", location.text());
            root.put("count", vectors.count());
            root.set("model", vectors.model().toJson());
            root.put("dim", vectors.model().dim());
            root.put("kind", vectors.settings().kind().name());
            root.put("quantization", vectors.settings().quantization().name());
            root.set("settings", vectors.settings().toJson());
            root.put("created_at", vectors.createdAt());
            shape = vectors.shape();
            modelText = vectors.model().describe();
            kindText = vectors.settings().describe();
        }
        ObjectNode solr = root.putObject("solr");
        solr.put("collection", location.solr().collection());
        solr.put("shards", shape.shards());
        solr.put("replicas", shape.replicas());
        solr.put("active_replicas", shape.activeReplicas());
        solr.put("live_nodes", shape.liveNodes());
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            out.println(Json.compact(root));
        } else {
            out.printf("index     %s%n", location.text());
            out.printf("items     %d%n", root.get("count").asInt());
            out.printf("kind      %s, SolrCloud%n", kindText);
            out.printf("model     %s%n", modelText);
            out.printf("layout    %d shards, %d replicas (%d active), %d live nodes%n", shape.shards(), shape.replicas(),
                    shape.activeReplicas(), shape.liveNodes());
            out.printf("created   %s%n", root.get("created_at").asText());
        }
        out.flush();
        return 0;
    }
}
