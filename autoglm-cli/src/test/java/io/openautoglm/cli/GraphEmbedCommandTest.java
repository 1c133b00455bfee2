package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.VectorIndex;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * graph embed end to end on a vectors JSONL, a real Lucene index on disk and a graph's files;
 * graph train --export-edges with structure: learned; bad inputs as one line.
 */
class GraphEmbedCommandTest {
    static final int PER = 40;
    static final int DIM = 16;

    @TempDir
    static Path tmp;

    static Path vectors;

    static final int BRIDGE = 6;

    /** Two clusters of unit vectors around two orthogonal directions (labels a, b) and a bridge of 6 points between them. */
    static List<float[]> clusters() {
        Random random = new Random(11);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 2 * PER; i++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) (0.15 * random.nextGaussian());
            }
            v[i < PER ? 0 : 1] += 1f;
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            for (int d = 0; d < DIM; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
            rows.add(v);
        }
        for (int b = 1; b <= BRIDGE; b++) { // without it the kNN graph has two components
            float t = b / (BRIDGE + 1f);
            float[] v = new float[DIM];
            v[0] = 1 - t;
            v[1] = t;
            float norm = (float) Math.hypot(v[0], v[1]);
            v[0] /= norm;
            v[1] /= norm;
            rows.add(v);
        }
        return rows;
    }

    @BeforeAll
    static void writeVectors() throws Exception {
        vectors = tmp.resolve("vectors.jsonl");
        StringBuilder s = new StringBuilder();
        List<float[]> rows = clusters();
        for (int i = 0; i < rows.size(); i++) {
            s.append(Json.compact(Json.MAPPER.valueToTree(Map.of("id", "p" + i, "vector", rows.get(i), "label", label(i)))))
                    .append('\n');
        }
        Files.writeString(vectors, s);
    }

    static String label(int i) {
        return i < PER ? "a" : i < 2 * PER ? "b" : "bridge";
    }

    static void assertSeparatedOnFirstCoordinate(Map<String, Double> first, Map<String, String> label) {
        double aMax = -1e9, aMin = 1e9, bMax = -1e9, bMin = 1e9;
        for (var e : first.entrySet()) {
            if (label.get(e.getKey()).equals("bridge")) {
                continue;
            }
            if (label.get(e.getKey()).equals("a")) {
                aMax = Math.max(aMax, e.getValue());
                aMin = Math.min(aMin, e.getValue());
            } else {
                bMax = Math.max(bMax, e.getValue());
                bMin = Math.min(bMin, e.getValue());
            }
        }
        assertThat(aMax < bMin || bMax < aMin).as("a [%f, %f] b [%f, %f]", aMin, aMax, bMin, bMax).isTrue();
    }

    @Test
    void laplacianOfAVectorsFileSeparatesTheClustersInJsonlAndCsv() throws Exception {
        Path out = tmp.resolve("emb.jsonl");
        CliRunner r = CliRunner.run("graph", "embed", "--vectors", vectors.toString(), "--method", "laplacian", "--neighbours", "6",
                "--out", out.toString(), "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Json.MAPPER.readTree(r.out()).get("points").asInt()).isEqualTo(2 * PER + BRIDGE);
        Map<String, Double> first = new java.util.HashMap<>();
        Map<String, String> label = new java.util.HashMap<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode o = Json.MAPPER.readTree(line);
            assertThat(o.get("embedding").size()).isEqualTo(2);
            first.put(o.get("id").asText(), o.get("embedding").get(0).asDouble());
            label.put(o.get("id").asText(), o.at("/metadata/label").asText());
        }
        assertSeparatedOnFirstCoordinate(first, label);

        Path csv = tmp.resolve("emb.csv");
        CliRunner c = CliRunner.run("graph", "embed", "--vectors", vectors.toString(), "--method", "isomap", "--dims", "3",
                "--neighbours", "6", "--out", csv.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("id,x1,x2,x3,label");
        assertThat(lines).hasSize(2 * PER + BRIDGE + 1);
    }

    @Test
    void isomapOfALuceneIndexWithAPlotColouredByLabel() throws Exception {
        Path index = tmp.resolve("index");
        List<float[]> rows = clusters();
        try (VectorIndex writer = IndexDirectory.create(index, IndexSettings.hnsw(),
                new ModelIdentity("test-model", "a".repeat(64), DIM, true, "/models/test", null)).open(true)) {
            for (int i = 0; i < rows.size(); i++) {
                writer.upsert(IndexEntry.of("pic-" + i, rows.get(i), Map.of("label", label(i))));
            }
            writer.commit();
        }
        Path out = tmp.resolve("index-emb.jsonl");
        Path png = tmp.resolve("plot.png");
        CliRunner r = CliRunner.run("graph", "embed", "--index", index.toString(), "--method", "isomap", "--neighbours", "6",
                "--out", out.toString(), "--plot", png.toString(), "--color-by", "label");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Double> first = new java.util.HashMap<>();
        Map<String, String> label = new java.util.HashMap<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode o = Json.MAPPER.readTree(line);
            first.put(o.get("id").asText(), o.get("embedding").get(0).asDouble());
            label.put(o.get("id").asText(), o.at("/metadata/label").asText());
        }
        assertThat(first).hasSize(2 * PER + BRIDGE);
        assertSeparatedOnFirstCoordinate(first, label);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(800);
    }

    @Test
    void featurelessGraphEmbedsAlongItsEdgesAndLearnedEdgesExport() throws Exception {
        // A ring of 30 nodes, two labelled classes by half: the edges are the graph.
        Path nodes = tmp.resolve("ring-nodes.jsonl");
        Path edges = tmp.resolve("ring-edges.jsonl");
        StringBuilder n = new StringBuilder();
        StringBuilder e = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            n.append("{\"id\": \"r").append(i).append("\", \"label\": \"").append(i < 15 ? "x" : "y").append("\", \"split\": \"")
                    .append(i % 3 == 0 ? "train" : i % 3 == 1 ? "val" : "test").append("\"}\n");
            e.append("{\"source\": \"r").append(i).append("\", \"target\": \"r").append((i + 1) % 30).append("\"}\n");
        }
        Files.writeString(nodes, n);
        Files.writeString(edges, e);
        Path out = tmp.resolve("ring.jsonl");
        CliRunner r = CliRunner.run("graph", "embed", "--nodes", nodes.toString(), "--edges", edges.toString(), "--method", "isomap",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("the given graph with 30 edges");
        // A ring's isomap is a circle: every point at about the same distance from the centre.
        double least = Double.MAX_VALUE;
        double most = 0;
        for (String line : Files.readAllLines(out)) {
            JsonNode c = Json.MAPPER.readTree(line).get("embedding");
            double radius = Math.hypot(c.get(0).asDouble(), c.get(1).asDouble());
            least = Math.min(least, radius);
            most = Math.max(most, radius);
        }
        assertThat(most / least).isLessThan(1.2);

        Path config = tmp.resolve("learned.yaml");
        Files.writeString(config, "structure: learned\nstructure_k: 3\nepochs: 5\nbaseline: false\n");
        Path exported = tmp.resolve("learned-edges.jsonl");
        CliRunner t = CliRunner.run("graph", "train", "--model", "gcn", "--nodes", nodes.toString(), "--edges", edges.toString(),
                "--config", config.toString(), "--out", tmp.resolve("ring-model").toString(), "--export-edges", exported.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        List<String> learned = Files.readAllLines(exported);
        assertThat(learned).hasSize(30 * 3);
        assertThat(Json.MAPPER.readTree(learned.get(0)).get("source").asText()).startsWith("r");
        CliRunner eval = CliRunner.run("graph", "eval", "--model", tmp.resolve("ring-model").toString(), "--nodes", nodes.toString(),
                "--edges", edges.toString(), "--format", "json");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
    }

    @Test
    void badInputsAreOneLine() throws Exception {
        String o = tmp.resolve("x.jsonl").toString();
        CliRunner.assertOneLineError(CliRunner.run("graph", "embed", "--method", "laplacian", "--out", o), "give exactly one input");
        CliRunner.assertOneLineError(CliRunner.run("graph", "embed", "--vectors", vectors.toString(), "--method", "tsne", "--out", o),
                "unknown --method 'tsne'");
        CliRunner.assertOneLineError(CliRunner.run("graph", "embed", "--vectors", vectors.toString(), "--method", "isomap",
                "--out", tmp.resolve("x.txt").toString()), "name the file .jsonl or .csv");
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\": \"a\", \"vector\": [1, 2]}\n{\"id\": \"b\", \"vector\": [1, 2, 3]}\n");
        CliRunner.assertOneLineError(CliRunner.run("graph", "embed", "--vectors", bad.toString(), "--method", "isomap", "--out", o),
                "bad.jsonl:2: 'b' has 3 dimensions but the first vector has 2");
        Path apart = tmp.resolve("apart.jsonl");
        StringBuilder far = new StringBuilder();
        for (int i = 0; i < 8; i++) { // two groups of 4, a thousand apart
            far.append("{\"id\": \"f").append(i).append("\", \"vector\": [").append(i < 4 ? i : 1000 + i).append(", 0]}\n");
        }
        Files.writeString(apart, far);
        CliRunner.assertOneLineError(CliRunner.run("graph", "embed", "--vectors", apart.toString(), "--method", "laplacian",
                "--neighbours", "2", "--out", o), "2 connected components", "raise --neighbours");
        CliRunner.assertOneLineError(CliRunner.run("graph", "embed", "--nodes", bad.toString(), "--method", "laplacian", "--out", o),
                "--nodes and --edges go together");
        CliRunner.assertOneLineError(CliRunner.run("graph", "train", "--model", "gcn", "--nodes", bad.toString(), "--edges",
                bad.toString(), "--out", o, "--export-edges", o), "--export-edges needs structure: learned");
        assertThat(Files.exists(Path.of(o))).isFalse();
    }
}
