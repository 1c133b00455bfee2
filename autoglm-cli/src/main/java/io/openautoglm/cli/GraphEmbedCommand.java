package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.embed.Embedding;
import io.openautoglm.graph.embed.EmbeddingFiles;
import io.openautoglm.graph.embed.Isomap;
import io.openautoglm.graph.embed.KnnGraph;
import io.openautoglm.graph.embed.LaplacianEigenmaps;
import io.openautoglm.graph.embed.PointSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Topology-aware low-dimensional embedding of a vector set, along its k-nearest-neighbour graph:",
            "laplacian (Laplacian eigenmaps: the symmetric normalised Laplacian's smallest non-trivial eigenvectors,",
            "Lanczos; up to 50,000 points) or isomap (geodesic distances by Dijkstra on the kNN graph, then classical",
            "MDS; up to 5,000 points). Input: --vectors (JSONL {\"id\", \"vector\"}, other keys are metadata), --index",
            "(an index's stored vectors and metadata) or --nodes with --edges (the nodes' features; the edges themselves",
            "when no node has features). A disconnected graph is an error: raise --neighbours. --plot draws a PNG",
            "scatter of the first two coordinates coloured by --colour-by (a metadata key, e.g. label). docs/graph.md."})
final class GraphEmbedCommand implements Callable<Integer> {
    @Option(names = "--vectors", paramLabel = "FILE", description = "JSONL of {\"id\", \"vector\": [..], more keys as metadata}.")
    Path vectors;

    @Option(names = "--index", paramLabel = IndexLocation.LABEL, description = "An index (folder or SolrCloud): its stored vectors.")
    String index;

    @Option(names = "--nodes", paramLabel = "FILE", description = "Nodes JSONL of a graph (docs/graph.md); needs --edges.")
    Path nodes;

    @Option(names = "--edges", paramLabel = "FILE", description = "Edges JSONL of that graph.")
    Path edges;

    @Option(names = "--method", required = true, paramLabel = "METHOD", description = "laplacian or isomap.")
    String method;

    @Option(names = "--dims", defaultValue = "2", paramLabel = "D", description = "Output dimensions (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = {"--neighbours", "--neighbors"}, defaultValue = "10", paramLabel = "K",
            description = "Neighbours per point of the kNN graph (default: ${DEFAULT-VALUE}).")
    int neighbours;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where the coordinates go: .jsonl ({\"id\", \"embedding\", \"metadata\"} a line) or .csv; written atomically.")
    Path out;

    @Option(names = "--plot", paramLabel = "PNG", description = "Also draw the first two coordinates as a PNG scatter.")
    Path plot;

    @Option(names = {"--colour-by", "--color-by"}, paramLabel = "KEY", description = "Metadata key that colours the plot's points.")
    String colourBy;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the Lanczos start vector (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!method.equals("laplacian") && !method.equals("isomap")) {
            throw new UserInputException("unknown --method '" + method + "': use laplacian or isomap");
        }
        EmbeddingFiles.checkName(out); // before reading a large set
        if (colourBy != null && plot == null) {
            throw new UserInputException("--colour-by colours the --plot: give --plot FILE.png too");
        }
        PointSet points = read();
        long started = System.nanoTime();
        KnnGraph graph = points.graph(neighbours);
        Embedding e = method.equals("laplacian") ? LaplacianEigenmaps.embed(graph, dims, seed) : Isomap.embed(graph, dims, seed);
        double seconds = (System.nanoTime() - started) / 1e9;
        EmbeddingFiles.write(out, points, e);
        if (plot != null) {
            EmbeddingPlot.write(plot, points, e, colourBy);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode root = Json.object();
            root.put("method", method);
            root.put("points", points.size());
            root.put("graph", points.given() != null ? "given edges" : "knn");
            root.put("neighbours", points.given() != null ? 0 : neighbours);
            root.put("edges", graph.edgeCount());
            root.put("dims", dims);
            ArrayNode values = root.putArray("eigenvalues");
            for (double v : e.eigenvalues()) {
                values.add(v);
            }
            root.put("residual", e.residual());
            root.put("seconds", seconds);
            root.put("out", out.toString());
            if (plot != null) {
                root.put("plot", plot.toString());
            }
            o.println(Json.pretty(root));
        } else {
            o.printf(Locale.ROOT, "%s: %d points, %s with %d edges, %d dims in %.1f s; eigenvalues %s; residual %.1e%n", method,
                    points.size(), points.given() != null ? "the given graph" : "kNN graph (k=" + neighbours + ")", graph.edgeCount(),
                    dims, seconds, java.util.Arrays.toString(java.util.Arrays.stream(e.eigenvalues())
                            .mapToObj(v -> String.format(Locale.ROOT, "%.4g", v)).toArray()), e.residual());
            o.println("wrote " + out + (plot != null ? " and " + plot : ""));
        }
        o.flush();
        return 0;
    }

    private PointSet read() {
        int given = (vectors != null ? 1 : 0) + (index != null ? 1 : 0) + (nodes != null || edges != null ? 1 : 0);
        if (given != 1) {
            throw new UserInputException("give exactly one input: --vectors FILE, --index DIR or --nodes FILE --edges FILE");
        }
        if (vectors != null) {
            return EmbeddingSets.vectors(vectors);
        }
        if (index != null) {
            return EmbeddingSets.index(IndexLocation.parse(index));
        }
        if (nodes == null || edges == null) {
            throw new UserInputException("--nodes and --edges go together: give both files of the graph");
        }
        return EmbeddingSets.graph(nodes, edges);
    }
}
