package io.openautoglm.train.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * {@code metrics.jsonl}: one JSON object per logged step ({@code "loss"}) or validation
 * ({@code "val"}), appended and flushed as training goes. On resume, lines past the resumed step
 * are dropped so the log reads as one run. At the end, {@code training.png} plots it.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final BufferedWriter out;

    public MetricsLog(Path file, long resumeStep) throws IOException {
        this.file = file;
        if (resumeStep > 0 && Files.exists(file)) {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && JSON.readTree(line).path("step").asLong() <= resumeStep) {
                    kept.add(line);
                }
            }
            AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        } else {
            Files.deleteIfExists(file);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public void write(ObjectNode line) throws IOException {
        out.write(JSON.writeValueAsString(line));
        out.newLine();
        out.flush();
    }

    /** Loss against step, and every validation metric against step, in one PNG. */
    public void plot(Path png) throws IOException {
        out.flush();
        List<Double> steps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        Map<String, List<double[]>> val = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            double step = n.path("step").asDouble();
            if (n.has("loss")) {
                steps.add(step);
                losses.add(n.get("loss").asDouble());
            }
            if (n.has("val")) {
                n.get("val").fields().forEachRemaining(e -> val.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(new double[] {step, e.getValue().asDouble()}));
            }
        }
        XYChart lossChart = new XYChartBuilder().width(700).height(400).title("training loss").xAxisTitle("step").yAxisTitle("loss").build();
        if (!steps.isEmpty()) {
            lossChart.addSeries("loss", steps, losses).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        }
        XYChart valChart = new XYChartBuilder().width(700).height(400).title("validation").xAxisTitle("step").yAxisTitle("metric").build();
        for (Map.Entry<String, List<double[]>> e : val.entrySet()) {
            if (e.getKey().contains("rank")) {
                continue; // ranks are on another scale than the fractions
            }
            valChart.addSeries(e.getKey(), e.getValue().stream().map(p -> p[0]).toList(), e.getValue().stream().map(p -> p[1]).toList());
        }
        java.awt.image.BufferedImage a = BitmapEncoder.getBufferedImage(lossChart);
        java.awt.image.BufferedImage b = val.isEmpty() ? null : BitmapEncoder.getBufferedImage(valChart);
        java.awt.image.BufferedImage both = new java.awt.image.BufferedImage(a.getWidth() + (b == null ? 0 : b.getWidth()),
                a.getHeight(), java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = both.createGraphics();
        g.drawImage(a, 0, 0, null);
        if (b != null) {
            g.drawImage(b, a.getWidth(), 0, null);
        }
        g.dispose();
        AtomicFiles.write(png, o -> javax.imageio.ImageIO.write(both, "png", o));
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
