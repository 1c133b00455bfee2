package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.graph.fraud.FraudGraphGenerator;
import io.openautoglm.graph.io.GraphJsonl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fraud-graph", mixinStandardHelpOptions = true,
        description = {"Generate a synthetic transaction graph for fraud detection: DIR/nodes.jsonl and DIR/edges.jsonl.",
            "Accounts (8 behavioural features, label \"1\" fraud / \"0\", split 60/20/20), devices, IPs and merchants;",
            "relations transfer, login, device, ip, profile_change. ~2%% of accounts form rings that share devices and",
            "proxy IPs and move money in cycles; honest households share devices too; 10%% of fraud is labelled 0",
            "and 0.2%% of honest accounts 1. Train on it with: autoglm graph train --model rgcn --nodes DIR/nodes.jsonl ..."})
final class FraudGraphCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--accounts", defaultValue = "10000", paramLabel = "N", description = "Accounts, at least 200 (default: ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        FraudGraphGenerator.FraudGraph g = new FraudGraphGenerator(accounts, seed).generate();
        Files.createDirectories(out);
        GraphJsonl.writeNodes(out.resolve("nodes.jsonl"), g.nodes());
        GraphJsonl.writeEdges(out.resolve("edges.jsonl"), g.edges());
        PrintWriter o = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode root = Json.object();
            root.put("out", out.toString());
            root.put("nodes", g.nodes().size());
            root.put("edges", g.edges().size());
            root.put("accounts", accounts);
            root.put("fraud", g.trueFraud());
            root.put("labelled_fraud", g.labelledFraud());
            o.println(Json.pretty(root));
        } else {
            o.printf("%d nodes, %d edges (%d accounts, %d fraud, %d labelled fraud) in %s%n", g.nodes().size(), g.edges().size(),
                    accounts, g.trueFraud(), g.labelledFraud(), out);
        }
        o.flush();
        return 0;
    }
}
