package io.openautoglm.cli;

import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.graph.embed.Embedding;
import io.openautoglm.graph.embed.PointSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG scatter of an embedding's first two coordinates, one colour per value of a metadata key. */
final class EmbeddingPlot {
    /** More values than this are one grey "other" series: a legend of hundreds helps nobody. */
    static final int MAX_SERIES = 12;

    private EmbeddingPlot() {}

    static void write(Path png, PointSet points, Embedding embedding, String colourKey) throws IOException {
        double[][] c = embedding.coordinates();
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < points.size(); i++) {
            String value = colourKey == null ? "points" : points.metadata().get(i).getOrDefault(colourKey, "(none)");
            groups.computeIfAbsent(value, v -> new ArrayList<>()).add(i);
        }
        Map<String, List<Integer>> series = new LinkedHashMap<>();
        List<Map.Entry<String, List<Integer>>> bySize = new ArrayList<>(groups.entrySet());
        bySize.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        for (int g = 0; g < bySize.size(); g++) {
            String name = g < MAX_SERIES - 1 || bySize.size() == MAX_SERIES ? bySize.get(g).getKey() : "other";
            series.computeIfAbsent(name, v -> new ArrayList<>()).addAll(bySize.get(g).getValue());
        }
        XYChart chart = new XYChartBuilder().width(800).height(640)
                .title(embedding.method() + " of " + points.size() + " points" + (colourKey == null ? "" : ", colour: " + colourKey))
                .xAxisTitle("x1").yAxisTitle(embedding.dims() > 1 ? "x2" : "").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setLegendVisible(colourKey != null);
        for (Map.Entry<String, List<Integer>> s : series.entrySet()) {
            double[] x = s.getValue().stream().mapToDouble(i -> c[i][0]).toArray();
            double[] y = s.getValue().stream().mapToDouble(i -> embedding.dims() > 1 ? c[i][1] : 0).toArray();
            chart.addSeries(s.getKey() + " (" + x.length + ")", x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
