package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.defects.AnomalyMaps;
import io.openautoglm.defects.Detector;
import io.openautoglm.defects.DetectorFiles;
import io.openautoglm.defects.InspectionLine;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"The line-side tool: one JSON line per part on stdout (and appended to --out):",
            "{\"image\", \"verdict\": \"good\"|\"defect\", \"score\", \"defect_type\", \"category\", \"ms\"}.",
            "A picture that cannot be read gets {\"image\", \"error\"} and is skipped; the line never stops for it.",
            "--watch DIR polls DIR for new pictures until SIGTERM or Ctrl-C, then prints one stop line and exits 0."})
final class DefectsInspectCommand implements Callable<Integer> {
    @Option(names = "--detector", required = true, paramLabel = "DET", description = "Detector folder from `autoglm defects fit`.")
    Path detectorDir;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Pictures to inspect.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--watch", paramLabel = "DIR", description = "Inspect every new picture that appears in DIR until stopped.")
    Path watch;

    @Option(names = "--poll-ms", paramLabel = "MS", defaultValue = "500", description = "How often --watch looks (default: ${DEFAULT-VALUE}).")
    long pollMs;

    @Option(names = "--out", paramLabel = "FILE", description = "Also append each JSON line to FILE (flushed per part).")
    Path out;

    @Option(names = "--maps", paramLabel = "DIR", description = "Write each part's anomaly map as DIR/<name>_map.png.")
    Path maps;

    @Option(names = "--model", paramLabel = "DIR", description = "Model folder (default: the one the detector was fitted with).")
    Path model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (images.isEmpty() == (watch == null)) {
            throw new UserInputException("give pictures to inspect or --watch DIR (one of the two)");
        }
        if (watch != null && !Files.isDirectory(watch)) {
            throw new UserInputException("--watch folder " + watch + " does not exist");
        }
        if (maps != null) {
            Files.createDirectories(maps);
        }
        PrintWriter o = spec.commandLine().getOut();
        try (StopSignal.Job job = StopSignal.job(); Detector detector = DetectorFiles.load(detectorDir, model);
             BufferedWriter file = out == null ? null : Files.newBufferedWriter(out, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (Path p : images) {
                inspect(detector, p, o, file);
            }
            if (watch != null) {
                return watch(detector, o, file);
            }
        }
        return 0;
    }

    /** Polls the folder; a file is taken once its size is the same at two looks (so a picture still being written waits). */
    private int watch(Detector detector, PrintWriter o, BufferedWriter file) throws IOException {
        Set<Path> done = new HashSet<>();
        Map<Path, Long> sizes = new HashMap<>();
        int count = 0;
        StopSignal stop = StopSignal.process();
        while (!stop.requested()) {
            List<Path> now;
            try (Stream<Path> s = Files.list(watch)) {
                now = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
            }
            for (Path p : now) {
                if (stop.requested() || done.contains(p)) {
                    continue;
                }
                long size = Files.size(p);
                Long before = sizes.put(p, size);
                if (before != null && before == size) {
                    done.add(p);
                    inspect(detector, p, o, file);
                    count++;
                }
            }
            try {
                Thread.sleep(pollMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("autoglm: stopped watching " + watch + " by " + (stop.reason() == null ? "interrupt" : stop.reason()) + " after "
                + count + " pictures; every result above is complete");
        err.flush();
        return 0;
    }

    private void inspect(Detector detector, Path p, PrintWriter o, BufferedWriter file) throws IOException {
        long start = System.nanoTime();
        ObjectNode line;
        try {
            RgbImage image = detector.model().imageLoader().load(p);
            Detector.Inspection r = detector.inspect(List.of(image)).get(0);
            line = InspectionLine.of(p.toString(), r, (System.nanoTime() - start) / 1e6);
            if (maps != null) {
                String stem = p.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                float[] up = AnomalyMaps.upsample(r.map(), r.grid(), image.width(), image.height());
                Detector.Category c = detector.categories().get(r.category());
                double mean = c.stats()[detector.mapMethod()].mean(); // good pictures' typical largest distance in the map's bank
                ImageIO.write(AnomalyMaps.heat(up, image.width(), image.height(), mean * 0.5, mean * 2), "png",
                        maps.resolve(stem + "_map.png").toFile());
            }
        } catch (UserInputException | IOException e) {
            line = InspectionLine.error(p.toString(), e.getMessage());
        }
        String text = Json.compact(line);
        o.println(text);
        o.flush();
        if (file != null) {
            file.write(text);
            file.newLine();
            file.flush();
        }
    }
}
