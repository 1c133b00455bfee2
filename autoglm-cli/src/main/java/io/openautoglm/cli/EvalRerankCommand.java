package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.eval.RerankEvaluator;
import io.openautoglm.eval.RetrievalMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rerank", mixinStandardHelpOptions = true,
        description = "Text-to-image retrieval before and after re-ranking with the matching head: the dual encoder "
                + "(--retriever) ranks every picture of the manifest, the fusion model (--model) re-scores each "
                + "query's top N. Queries: the captions that have a twisted twin among their record's \"hard_negatives\" "
                + "(compositional captions). Scored twice: with each query's own picture as the one relevant picture "
                + "(COCO protocol), and with every picture whose captions include the query.")
final class EvalRerankCommand implements Callable<Integer> {
    @Mixin
    FusionModelOption model;

    @Option(names = "--retriever", paramLabel = "DIR",
            description = "The first-stage dual encoder (default: the --model's own dual encoder).")
    Path retriever;

    @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "JSONL manifest with hard_negatives.")
    Path manifest;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20", description = "Candidates re-scored per query (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--queries", paramLabel = "WHICH", defaultValue = "twinned",
            description = "twinned: every caption that has a twisted twin among its record's hard_negatives (default); "
                    + "first: each such record's first caption only.")
    String queries;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Manifest data = Manifest.read(manifest);
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel matcher = MultimodalModel.load(model.resolve());
                MultimodalModel first = retriever == null ? null : MultimodalModel.load(retriever)) {
            MultimodalModel stage1 = first == null ? matcher : first;
            RerankEvaluator.Result r = new RerankEvaluator(stage1, matcher, spec.commandLine().getErr()).evaluate(data, top, queryKind());
            if (format.json()) {
                out.println(Json.compact(r.toJson()));
            } else {
                out.printf("rerank: %d queries over %d images, top %d re-scored; retriever %s, matcher %s%n", r.queries(), r.images(),
                        r.top(), stage1.name(), matcher.name());
                out.println("relevant: the query's own picture (COCO protocol)");
                rows(out, r.dualEncoder(), r.reranked());
                out.printf("relevant: every picture whose captions include the query (%d of %d queries describe more than one)%n",
                        r.sharedQueries(), r.queries());
                rows(out, r.describedDualEncoder(), r.describedReranked());
            }
        }
        out.flush();
        return 0;
    }

    private RerankEvaluator.Queries queryKind() {
        return switch (queries) {
            case "twinned" -> RerankEvaluator.Queries.TWINNED;
            case "first" -> RerankEvaluator.Queries.FIRST;
            default -> throw new io.openautoglm.core.UserInputException("--queries must be twinned or first, got " + queries);
        };
    }

    private static void rows(PrintWriter out, RetrievalMetrics.Summary first, RetrievalMetrics.Summary reranked) {
        out.printf("%-16s %12s %12s %12s %12s%n", "text->image", "R@1", "R@5", "R@10", "MRR");
        EvalCommand.row(out, "dual encoder", 16, first.recallAt1(), first.recallAt5(), first.recallAt10(), first.mrr());
        EvalCommand.row(out, "re-ranked", 16, reranked.recallAt1(), reranked.recallAt5(), reranked.recallAt10(), reranked.mrr());
    }
}
