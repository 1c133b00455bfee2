package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.defects.DefectManifest;
import io.openautoglm.defects.Detector;
import io.openautoglm.defects.DetectorFiles;
import io.openautoglm.defects.DetectorFitter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fit", mixinStandardHelpOptions = true,
        description = {"Fit a defect detector on the frozen image tower: a memory bank of good patch features (PatchCore-like,",
            "coreset-bounded), zero-shot prompt ensembles (flawless vs damaged {category}, as WinCLIP), and a small head where",
            "labelled defects exist; combined, with the threshold set on a validation split for --target-false-alarm.",
            "Uses the manifest's records with \"split\": \"train\" (all when none has a split); every record needs a \"label\".",
            "Writes DET/detector.json (settings, threshold, validation figures, provenance) and DET/banks.safetensors atomically."})
final class DefectsFitCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--manifest", required = true, paramLabel = "TRAIN", description = "JSONL manifest: {\"image\", \"label\", \"category\"?, \"split\"?}.")
    Path manifest;

    @Option(names = "--out", required = true, paramLabel = "DET", description = "Detector folder to write.")
    Path out;

    @Option(names = "--target-false-alarm", paramLabel = "RATE", defaultValue = "0.01",
            description = "Share of good validation pictures the threshold may flag (default: ${DEFAULT-VALUE}).")
    double targetFalseAlarm;

    @Option(names = "--tiles", paramLabel = "T", defaultValue = "2",
            description = "Cut each picture into TxT tiles for the patch features, so small defects are seen at the tower's resolution (default: ${DEFAULT-VALUE}).")
    int tiles;

    @Option(names = "--layers", paramLabel = "L,L", defaultValue = "0,2", split = ",",
            description = "Hidden states of the image tower that make a patch feature: 0 the patch embeddings, 1 the encoder input, k+1 layer k's output (default: ${DEFAULT-VALUE}).")
    int[] layers;

    @Option(names = "--coreset", paramLabel = "F", defaultValue = "0.25", description = "Share of good patches kept in the memory bank (default: ${DEFAULT-VALUE}).")
    double coreset;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the validation split and the coreset (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--overwrite", description = "Replace an existing detector folder.")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        List<DefectManifest.Item> items = DefectManifest.read(manifest, "train", "fit");
        Path modelDir = model.resolve().toAbsolutePath().normalize();
        Detector.Settings settings = new Detector.Settings(tiles, layers, coreset, 4096, targetFalseAlarm, 0.3, seed);
        long start = System.currentTimeMillis();
        ObjectNode provenance = Json.object();
        ObjectNode m = provenance.putObject("model");
        m.put("path", modelDir.toString());
        m.put("weights_sha256", DetectorFiles.weightsSha256(modelDir));
        provenance.put("manifest", manifest.toAbsolutePath().normalize().toString());
        provenance.put("manifest_sha256", Sha256.of(manifest));
        provenance.put("pictures", items.size());
        provenance.put("settings", "tiles=" + tiles + " layers=" + Arrays.toString(layers) + " coreset=" + coreset
                + " target_false_alarm=" + targetFalseAlarm + " seed=" + seed);
        provenance.put("created", Instant.now().toString());
        provenance.put("autoglm_version", MultimodalModel.VERSION);
        try (StopSignal.Job job = StopSignal.job();
             Detector detector = new DetectorFitter(settings, line -> {
                 err.println(line);
                 err.flush();
             }).fit(MultimodalModel.load(modelDir), modelDir, items, provenance)) {
            provenance.put("fit_seconds", (System.currentTimeMillis() - start) / 1000.0);
            DetectorFiles.save(detector, out, overwrite);
            PrintWriter o = spec.commandLine().getOut();
            o.println("wrote detector " + out + " (" + detector.categories().size() + " categories, threshold "
                    + String.format("%.3f", detector.threshold()) + "); validation: " + Json.compact(provenance.get("validation")));
            o.flush();
        }
        return 0;
    }
}
