package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.recsys.PairScorer;
import io.openautoglm.graph.recsys.RecsysData;
import io.openautoglm.graph.recsys.RecsysEvaluation;
import io.openautoglm.graph.recsys.RecsysFiles;
import io.openautoglm.graph.recsys.RecsysModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a ranker on a split of its recommendation set, beside the popularity baseline (an item's",
            "train clicks) in the same run: click and like AUROC over the split's impressions; per user NDCG@10 and",
            "recall@10 of a ranking of all items not seen in training, relevant = clicked in the split; the same on",
            "cold-start items only under \"cold\". JSON: {\"auroc_click\", \"auroc_like\", \"ndcg_at_10\", \"recall_at_10\",",
            "\"n_users\", \"cold\", \"kind\", \"popularity\": {...}}."})
final class GraphRecommendEvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A ranker folder (graph recommend train --out).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The recommendation set it was trained on.")
    Path data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT", description = "val or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!split.equals("val") && !split.equals("test")) {
            throw new UserInputException("unknown split '" + split + "': use val or test");
        }
        RecsysData set = RecsysFiles.read(data);
        PrintWriter o = spec.commandLine().getOut();
        try (var ranker = RecsysModelFiles.load(model, set)) {
            Map<String, Object> figures = RecsysEvaluation.evaluate(ranker, set, split);
            Map<String, Object> popularity = RecsysEvaluation.evaluate(PairScorer.popularity(set.inputs()), set, split);
            String kind = ranker.model().config().kind();
            if (format.json()) {
                ObjectNode root = Json.MAPPER.valueToTree(figures);
                root.put("kind", kind);
                root.put("split", split);
                root.set("popularity", Json.MAPPER.valueToTree(popularity));
                o.println(Json.pretty(root));
            } else {
                print(o, kind, figures);
                print(o, "popularity", popularity);
            }
        }
        o.flush();
        return 0;
    }

    static void print(PrintWriter o, String name, Map<String, Object> f) {
        Map<?, ?> cold = (Map<?, ?>) f.get("cold");
        o.printf(Locale.ROOT, "%-10s auroc_click %.4f  auroc_like %.4f  ndcg@10 %.4f  recall@10 %.4f (%s users)  cold ndcg@10 %.4f  "
                        + "recall@10 %.4f (%s users)%n", name, f.get("auroc_click"), f.get("auroc_like"), f.get("ndcg_at_10"),
                f.get("recall_at_10"), f.get("n_users"), cold.get("ndcg_at_10"), cold.get("recall_at_10"), cold.get("n_users"));
    }
}
