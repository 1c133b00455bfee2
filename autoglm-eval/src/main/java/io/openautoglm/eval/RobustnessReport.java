package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.image.corrupt.Corruption;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.FileTrees;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * {@code --report DIR} of {@code autoglm eval robustness}: {@code report.html} with the score
 * against severity per corruption ({@code scores.png}, and one small plot per corruption), a
 * table of every score, a grid of example pictures at every severity ({@code examples/}), and
 * {@code robustness.json}. Everything is written into a temporary sibling folder which is then
 * renamed to DIR, so a report is never half there; an earlier report at DIR is replaced, any
 * other non-empty folder is refused.
 */
public final class RobustnessReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Pictures of the manifest shown in the example grid. */
    static final int EXAMPLE_PICTURES = 2;
    static final String HTML = "report.html";

    private RobustnessReport() {}

    /** @param pictures the records the task scored; the first {@value #EXAMPLE_PICTURES} are shown corrupted */
    public static void write(RobustnessResult result, Manifest manifest, List<ManifestRecord> pictures, String modelName, Path dir)
            throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        checkReplaceable(target);
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            AtomicFiles.writeString(tmp.resolve("robustness.json"), JSON.writeValueAsString(result.toJson()));
            writePng(tmp.resolve("scores.png"), BitmapEncoder.getBufferedImage(chart(result, null, 720, 420)));
            for (Corruption c : result.scores().keySet()) {
                writePng(tmp.resolve("plot-" + c.id() + ".png"), BitmapEncoder.getBufferedImage(chart(result, c, 320, 240)));
            }
            List<ManifestRecord> shown = pictures.stream().limit(EXAMPLE_PICTURES).toList();
            Files.createDirectory(tmp.resolve("examples"));
            ImageLoader loader = new ImageLoader();
            for (int i = 0; i < shown.size(); i++) {
                RgbImage clean = loader.load(shown.get(i).image());
                writePng(tmp.resolve("examples/" + i + "-clean.png"), buffered(clean));
                for (Corruption c : result.scores().keySet()) {
                    for (RobustnessResult.Point p : result.scores().get(c)) {
                        RgbImage corrupted = PictureTransform.corrupt(manifest, c, p.severity(), result.seed()).apply(shown.get(i), clean);
                        writePng(tmp.resolve("examples/" + i + "-" + c.id() + "-" + p.severity() + ".png"), buffered(corrupted));
                    }
                }
            }
            AtomicFiles.writeString(tmp.resolve(HTML), html(result, manifest, shown, modelName));
            swapIn(tmp, target);
        } finally {
            FileTrees.delete(tmp);
        }
    }

    /**
     * DIR may be missing, empty, or an earlier report; anything else is the user's and is left
     * alone (one clear line). Call it before a long run too, so a bad folder fails at once.
     */
    public static void checkReplaceable(Path target) throws IOException {
        target = target.toAbsolutePath().normalize();
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new UserInputException("--report " + target + " is a file; give a folder for the report");
        }
        boolean empty;
        try (Stream<Path> s = Files.list(target)) {
            empty = s.findAny().isEmpty();
        }
        if (!empty && !Files.isRegularFile(target.resolve(HTML))) {
            throw new UserInputException("--report " + target + " is a folder that holds something other than a report; "
                    + "give a new or empty folder");
        }
    }

    private static void swapIn(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
            Files.move(target, old);
        }
        Files.move(tmp, target);
        if (old != null) {
            FileTrees.delete(old);
        }
    }

    /** Score against severity: every corruption ({@code only} null) with the clean score as a line, or one corruption. */
    static XYChart chart(RobustnessResult result, Corruption only, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height)
                .title(only == null ? result.task() + ": " + result.metric() + " against severity" : only.id())
                .xAxisTitle("severity").yAxisTitle(result.metric()).build();
        chart.getStyler().setLegendVisible(only == null);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisMin(0.0);
        List<Integer> all = result.scores().values().stream().flatMap(List::stream).map(RobustnessResult.Point::severity)
                .distinct().sorted().toList();
        for (Corruption c : result.scores().keySet()) {
            if (only != null && c != only) {
                continue;
            }
            List<RobustnessResult.Point> points = result.scores().get(c);
            chart.addSeries(c.id(), points.stream().map(RobustnessResult.Point::severity).toList(),
                    points.stream().map(RobustnessResult.Point::value).toList());
        }
        double clean = result.clean().value();
        List<Integer> span = List.of(all.get(0), all.get(all.size() - 1));
        XYSeries line = chart.addSeries("clean", span, List.of(clean, clean));
        line.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        line.setLineColor(java.awt.Color.GRAY);
        return chart;
    }

    private static String html(RobustnessResult r, Manifest manifest, List<ManifestRecord> shown, String modelName) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Robustness: ").append(esc(r.task()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}"
                        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}"
                        + "img.pic{width:96px;height:96px;image-rendering:pixelated}td.pic{text-align:center;padding:2px}</style></head><body>\n");
        h.append("<h1>Robustness under corruptions</h1>\n<p>Task <b>").append(esc(r.task())).append("</b>, metric <b>").append(esc(r.metric()))
                .append("</b>, model ").append(esc(modelName)).append(", manifest ").append(esc(manifest.file().toString()))
                .append(" (").append(manifest.size()).append(" records), seed ").append(r.seed()).append(".</p>\n");
        h.append("<p>Clean ").append(esc(r.metric())).append(": <b>").append(num(r.clean().value())).append("</b>. Robustness score "
                + "(mean of corrupted / clean over every corruption and severity): <b>").append(num(r.robustnessScore())).append("</b>.</p>\n");
        h.append("<img src=\"scores.png\" alt=\"score against severity\">\n");
        List<Integer> severities = r.scores().values().iterator().next().stream().map(RobustnessResult.Point::severity).toList();
        h.append("<h2>Scores</h2>\n<table><tr><th>corruption</th>");
        severities.forEach(s -> h.append("<th>severity ").append(s).append("</th>"));
        h.append("<th>mean</th><th>relative</th></tr>\n");
        for (Corruption c : r.scores().keySet()) {
            h.append("<tr><th>").append(c.id()).append("</th>");
            r.scores().get(c).forEach(p -> h.append("<td>").append(num(p.value())).append("</td>"));
            h.append("<td>").append(num(r.mean(c))).append("</td><td>").append(num(r.relative(c))).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Per corruption</h2>\n<p>");
        r.scores().keySet().forEach(c -> h.append("<img src=\"plot-").append(c.id()).append(".png\" alt=\"").append(c.id()).append("\"> "));
        h.append("</p>\n<h2>Examples</h2>\n");
        for (int i = 0; i < shown.size(); i++) {
            h.append("<p>").append(esc(VqaEvaluator.relativeImage(manifest, shown.get(i)))).append("</p>\n<table><tr><th>corruption</th><th>clean</th>");
            severities.forEach(s -> h.append("<th>").append(s).append("</th>"));
            h.append("</tr>\n");
            for (Corruption c : r.scores().keySet()) {
                h.append("<tr><th>").append(c.id()).append("</th><td class=\"pic\"><img class=\"pic\" src=\"examples/").append(i)
                        .append("-clean.png\" alt=\"clean\"></td>");
                for (int s : severities) {
                    h.append("<td class=\"pic\"><img class=\"pic\" src=\"examples/").append(i).append('-').append(c.id()).append('-').append(s)
                            .append(".png\" alt=\"").append(c.id()).append(' ').append(s).append("\"></td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<p>Scores as JSON: <a href=\"robustness.json\">robustness.json</a>. Corruptions: docs/robustness.md.</p>\n</body></html>\n");
        return h.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static BufferedImage buffered(RgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData(); // (H, W, 3) as B,G,R
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return out;
    }

    private static void writePng(Path file, BufferedImage image) throws IOException {
        AtomicFiles.write(file, out -> { // fsynced, so the renamed folder holds whole files
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JVM");
            }
        });
    }
}
