package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.recsys.PairScorer;
import io.openautoglm.graph.recsys.RecsysConfig;
import io.openautoglm.graph.recsys.RecsysData;
import io.openautoglm.graph.recsys.RecsysEvaluation;
import io.openautoglm.graph.recsys.RecsysFiles;
import io.openautoglm.graph.recsys.RecsysModelFiles;
import io.openautoglm.graph.recsys.RecsysTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a ranker on the train impressions of a recommendation set (autoglm data recsys): summed",
            "binary cross-entropies of a click head and a like head, AdamW, the epoch with the best val click AUROC kept.",
            "two-tower: user = id embedding + projected history (mean features of clicked items), item = MLP of the item's",
            "image+caption features and popularity; dcn: cross layers x0*(W x + b) + x beside an MLP over the joined inputs.",
            "Items are never seen by id, so cold-start items are scored from their features. Prints test figures beside the",
            "popularity baseline's. The folder (config.json, model.safetensors, provenance.json) is replaced atomically.",
            "SIGTERM stops after the epoch in flight and saves the best weights so far (exit 143)."})
final class GraphRecommendTrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "A folder made by autoglm data recsys.")
    Path data;

    @Option(names = "--model", required = true, paramLabel = "KIND", description = "Ranker: two-tower or dcn.")
    String kind;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the trained ranker goes.")
    Path out;

    @Option(names = "--epochs", defaultValue = "15", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!RecsysConfig.KINDS.contains(kind)) {
            throw new UserInputException("unknown ranker '" + kind + "': use two-tower or dcn");
        }
        RecsysTrainer.Options options = RecsysTrainer.Options.defaults(seed).withEpochs(epochs);
        RecsysData set = RecsysFiles.read(data);
        PrintWriter err = spec.commandLine().getErr();
        err.printf("recsys: %d users, %d items, %d impressions, %d features an item%n", set.users(), set.items(),
                set.events().size(), set.featureWidth());
        err.flush();
        RecsysConfig config = RecsysConfig.defaults(kind, set.users(), set.featureWidth());
        long started = System.nanoTime();
        RecsysTrainer.Outcome outcome;
        try (StopSignal.Job job = StopSignal.job()) {
            outcome = new RecsysTrainer(options, StopSignal.process(), line -> {
                err.println(line);
                err.flush();
            }).train(config, set);
        }
        try (var ranker = outcome.ranker()) {
            Map<String, Object> test = RecsysEvaluation.evaluate(ranker, set, "test");
            Map<String, Object> popularity = RecsysEvaluation.evaluate(PairScorer.popularity(set.inputs()), set, "test");
            double seconds = (System.nanoTime() - started) / 1e9;
            ObjectNode details = Json.object();
            details.put("trained_by", "autoglm graph recommend train");
            details.put("data", data.toAbsolutePath().normalize().toString());
            details.put("kind", kind);
            details.put("best_epoch", outcome.bestEpoch());
            details.put("seconds", seconds);
            details.set("test", Json.MAPPER.valueToTree(test));
            details.set("popularity_test", Json.MAPPER.valueToTree(popularity));
            if (outcome.stoppedBy() != null) {
                details.put("stopped_by", outcome.stoppedBy());
            }
            RecsysModelFiles.save(out, new RecsysModelFiles.Description(RecsysModelFiles.FORMAT, config, options, set.userIds()),
                    ranker.model(), details);
            PrintWriter o = spec.commandLine().getOut();
            if (format.json()) {
                ObjectNode root = Json.object();
                root.put("out", out.toString());
                root.put("kind", kind);
                root.put("best_epoch", outcome.bestEpoch());
                root.set("test", Json.MAPPER.valueToTree(test));
                root.set("popularity", Json.MAPPER.valueToTree(popularity));
                root.put("seconds", seconds);
                o.println(Json.pretty(root));
            } else {
                GraphRecommendEvalCommand.print(o, kind, test);
                GraphRecommendEvalCommand.print(o, "popularity", popularity);
                o.printf(java.util.Locale.ROOT, "ranker: %s (best epoch %d, %.1f s)%n", out, outcome.bestEpoch(), seconds);
            }
            o.flush();
        }
        if (outcome.stoppedBy() != null) {
            err.printf("autoglm: stopped by %s after the epoch in flight; the best weights so far are in %s; "
                    + "run the same command again to train in full%n", outcome.stoppedBy(), out);
            err.flush();
            return StopSignal.process().exitCode();
        }
        return 0;
    }
}
