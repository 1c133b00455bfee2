package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.graph.io.GraphJsonl;
import io.openautoglm.graph.karate.KarateClub;
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

@Command(name = "karate", mixinStandardHelpOptions = true,
        description = {"Write Zachary's karate club (1977; 34 members, 78 friendships) as DIR/nodes.jsonl and DIR/edges.jsonl.",
            "Labels are the club each member joined after the split (\"0\": the instructor's, \"1\": the administrator's).",
            "Only the two leaders, members 0 and 33, have split \"train\"; the other 32 are \"test\". Nodes have no features.",
            "Semi-supervised with: autoglm graph train --model gcn --nodes DIR/nodes.jsonl --edges DIR/edges.jsonl --out RUN"})
final class KarateCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        KarateClub.Club club = KarateClub.load();
        Files.createDirectories(out);
        GraphJsonl.writeNodes(out.resolve("nodes.jsonl"), club.nodes());
        GraphJsonl.writeEdges(out.resolve("edges.jsonl"), club.edges());
        PrintWriter o = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode root = Json.object();
            root.put("out", out.toString());
            root.put("nodes", club.nodes().size());
            root.put("edges", club.edges().size());
            o.println(Json.pretty(root));
        } else {
            o.printf("%d members, %d friendships in %s (members 0 and 33 labelled for training)%n", club.nodes().size(),
                    club.edges().size(), out);
        }
        o.flush();
        return 0;
    }
}
