package io.openautoglm.cli;

import io.openautoglm.defects.data.InspectionSetGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "defects", mixinStandardHelpOptions = true,
        description = {"Generate a synthetic inspection set in MVTec AD's layout: textured surfaces (fabric, wood, metal, tile) and",
            "simple parts (washer, bracket); good pictures and five defect types (scratch, spot, crack, missing_piece,",
            "contamination) with a mask each. Writes DIR/<category>/{train,test}/<label>/*.png,",
            "DIR/<category>/ground_truth/<type>/*_mask.png, DIR/manifest.jsonl (with split), train.jsonl, test.jsonl, defects.json.",
            "Deterministic by seed. See docs/defects.md."})
final class DefectsDataCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (must be empty or absent unless --overwrite).")
    Path out;

    @Option(names = "--count", required = true, paramLabel = "N", description = "Pictures per category, train and test together (at least 10).")
    int count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "128", description = "Picture side in pixels, 32..512 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--overwrite", description = "Replace a previous set in DIR.")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        InspectionSetGenerator.Summary s = new InspectionSetGenerator(InspectionSetGenerator.Settings.of(count, seed, size))
                .generate(out, overwrite, line -> {
                    err.println(line);
                    err.flush();
                });
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %d pictures to %s in %.1f s: %s; manifests %s, %s, %s%n", s.pictures(), s.dir(), s.millis() / 1000.0, s.perSplit(),
                s.dir().resolve("manifest.jsonl"), s.dir().resolve("train.jsonl"), s.dir().resolve("test.jsonl"));
        o.flush();
        return 0;
    }
}
