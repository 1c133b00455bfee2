package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.search.Filter;
import io.openautoglm.search.Hit;
import io.openautoglm.search.HitJson;
import io.openautoglm.search.Reranking;
import io.openautoglm.search.SearchQuery;
import io.openautoglm.search.VectorIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search an index by text or by picture: the most similar pictures first, with cosine scores.",
            "The query is embedded with the model recorded in the index unless --model names another copy of it;"
                + " a different model is refused.",
            "--index is an index folder or a SolrCloud collection (solr://HOST:PORT/COLLECTION, solr+zk://ZK:PORT/COLLECTION).",
            "Example: autoglm search --index pics-index --text \"a red circle\" -k 5"})
final class SearchCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = IndexLocation.LABEL,
            description = "The index folder or SolrCloud collection (from `autoglm index build`).")
    String index;

    static final class Query {
        @Option(names = {"-t", "--text"}, paramLabel = "TEXT", description = "Find pictures that this text describes.")
        String text;

        @Option(names = {"-i", "--image"}, paramLabel = "FILE", description = "Find pictures similar to this one.")
        Path image;
    }

    @ArgGroup(multiplicity = "1")
    Query query;

    @Option(names = "-k", paramLabel = "K", defaultValue = "10", description = "How many results (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--filter", paramLabel = "KEY=VALUE",
            description = "Only items whose metadata KEY is VALUE; repeat: different keys must all match, one key's values are alternatives.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--candidates", paramLabel = "N",
            description = "Candidates the HNSW graph search explores (default: max(k, 100)); more is slower and closer to exact.")
    Integer candidates;

    @Mixin
    RerankOption rerank;

    @Option(names = "--reranker-model", paramLabel = "DIR",
            description = "The fusion model for --reranker matching (default: the bundled " + FusionModelOption.BUNDLED + ").")
    Path rerankerModel;

    @Option(names = {"-m", "--model"}, paramLabel = "DIR", description = "The index's model, if it has moved (default: the one the index recorded).")
    Path model;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (k < 1) {
            throw new UserInputException("-k must be at least 1, got " + k);
        }
        Reranking reranking = rerank.reranking();
        if (candidates != null && candidates < 1) {
            throw new UserInputException("--candidates must be at least 1, got " + candidates);
        }
        if (query.image != null && !java.nio.file.Files.isRegularFile(query.image)) {
            throw new UserInputException("query picture " + query.image
                    + (java.nio.file.Files.exists(query.image) ? " is not a file" : " does not exist"));
        }
        Filter filter = Filter.parse(filters);
        IndexLocation location = IndexLocation.parse(index);
        List<Hit> hits;
        try (VectorIndex vectors = location.openToSearch();
                IndexModel m = IndexModel.forIndex(vectors.model(), location.describe(), model)) {
            SearchQuery q = query.text != null ? SearchQuery.ofText(query.text, m.model().embedTexts(List.of(query.text))[0])
                    : SearchQuery.ofImage(query.image, m.model().embedImageFiles(List.of(query.image),
                            io.openautoglm.core.EmbedOptions.defaults())[0]);
            int explore = candidates == null ? Math.max(k, VectorIndex.DEFAULT_CANDIDATES) : candidates;
            if (reranking.needsMatcher()) {
                try (MultimodalModel matcher = MultimodalModel.load(ModelOption.resolve(rerankerModel, FusionModelOption.BUNDLED))) {
                    hits = reranking.searcher(vectors, matcher).search(q, k, filter, explore);
                }
            } else {
                hits = reranking.searcher(vectors, null, m.model()).search(q, k, filter, explore);
            }
        }
        print(hits);
        return 0;
    }

    private void print(List<Hit> hits) {
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode root = Json.object();
            ArrayNode results = root.putArray("results");
            for (Hit h : hits) {
                HitJson.writeWithPath(results.addObject(), h);
            }
            out.println(Json.compact(root));
        } else {
            if (hits.isEmpty()) {
                out.println("no results" + (filters.isEmpty() ? "" : " (the filter matched nothing)"));
            }
            int rank = 1;
            for (Hit h : hits) {
                out.printf(Locale.ROOT, "%3d  %.4f  %s%n", rank++, h.score(), h.path() != null ? h.path() : h.id());
            }
        }
        out.flush();
    }
}
