package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end {@code autoglm eval} on the tiny reference model (random weights: structure, not quality). */
class EvalCommandTest {
    static final Path IMAGES = CliFixture.ROOT.resolve("images");
    static final String[] PICS = {"pic0_32x32_RGB.png", "pic1_97x61_RGB.png", "pic2_45x130_L.png",
        "pic3_200x200_RGBA.png", "pic4_31x33_RGB.png"};

    @TempDir
    Path tmp;

    /** Five images, seven captions: pic0 gets a second one from a later record, pic4 one from a "captions" array. */
    static Path manifest(Path dir) throws Exception {
        String img = IMAGES.toString().replace("\\", "/");
        List<String> lines = List.of(
                "{\"image\": \"" + img + "/" + PICS[0] + "\", \"caption\": \"w1 w2 w3\", \"label\": \"w10\", \"hard_negatives\": [\"w3 w2 w1\", \"w2 w1 w3\"]}",
                "{\"image\": \"" + img + "/" + PICS[1] + "\", \"caption\": \"w4 w5\", \"label\": \"w11\", \"hard_negatives\": [\"w5 w4\"]}",
                "{\"image\": \"" + img + "/" + PICS[2] + "\", \"caption\": \"w6 w7\", \"label\": \"w10\"}",
                "{\"image\": \"" + img + "/" + PICS[3] + "\", \"caption\": \"w8 w9\", \"label\": \"w12\"}",
                "{\"image\": \"" + img + "/" + PICS[4] + "\", \"caption\": \"w20\", \"captions\": [\"w21 w22\"]}",
                "{\"image\": \"" + img + "/" + PICS[0] + "\", \"caption\": \"w30 w31\"}");
        Path file = dir.resolve("data.jsonl");
        Files.write(file, lines);
        return file;
    }

    private static JsonNode json(CliRunner r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        // Nothing on stderr but progress lines ("what: 3/4 (1.8/s, ETA 0:01)"), which a slow host prints.
        assertThat(r.err().lines().filter(l -> !l.isBlank() && !l.matches(".*: \\d+/\\d+ \\(.*/s.*"))).isEmpty();
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    void retrievalJsonHasEveryMetricInRangeAndConsistent() throws Exception {
        JsonNode root = json(CliRunner.run("eval", "retrieval", "--model", CliFixture.HF.toString(),
                "--manifest", manifest(tmp).toString(), "--format", "json"));
        assertThat(root.get("n").asInt()).isEqualTo(5);
        assertThat(root.get("captions").asInt()).isEqualTo(7);
        for (String direction : new String[] {"text_to_image", "image_to_text"}) {
            JsonNode d = root.get(direction);
            List<String> keys = List.of("R@1", "R@5", "R@10", "MRR", "NDCG@10", "mean_rank", "median_rank");
            assertThat(d.fieldNames()).toIterable().containsExactlyElementsOf(keys);
            for (String k : List.of("R@1", "R@5", "R@10", "MRR", "NDCG@10")) {
                assertThat(d.get(k).isDouble()).isTrue();
                assertThat(d.get(k).asDouble()).as(direction + " " + k).isBetween(0.0, 1.0);
            }
            assertThat(d.get("R@1").asDouble()).isLessThanOrEqualTo(d.get("R@5").asDouble());
            assertThat(d.get("R@5").asDouble()).isLessThanOrEqualTo(d.get("R@10").asDouble());
            assertThat(d.get("mean_rank").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(d.get("MRR").asDouble()).isGreaterThanOrEqualTo(1 / d.get("mean_rank").asDouble() - 1e-9); // Jensen
        }
        // Five images: any caption finds its image within the top 5.
        assertThat(root.get("text_to_image").get("R@5").asDouble()).isEqualTo(1.0);
        assertThat(root.get("text_to_image").get("mean_rank").asDouble()).isLessThanOrEqualTo(5.0);
        // Seven captions: every rank is at most 7.
        assertThat(root.get("image_to_text").get("R@10").asDouble()).isEqualTo(1.0);
    }

    @Test
    void retrievalTextIsATable() throws Exception {
        CliRunner r = CliRunner.run("eval", "retrieval", "--model", CliFixture.HF.toString(), "--manifest", manifest(tmp).toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("5 images, 7 captions").contains("text->image").contains("median_rank");
        assertThat(r.out().lines().filter(l -> l.startsWith("R@"))).hasSize(3);
    }

    @Test
    void zeroShotJsonAndConfusionCsv() throws Exception {
        Path csv = tmp.resolve("out/confusion.csv");
        Files.createDirectories(csv.getParent());
        JsonNode root = json(CliRunner.run("eval", "zero-shot", "--model", CliFixture.HF.toString(),
                "--manifest", manifest(tmp).toString(), "--label-key", "label", "--template", "{}",
                "--template", "w40 {}", "--confusion-csv", csv.toString(), "--format", "json"));
        assertThat(root.get("n").asInt()).isEqualTo(4);
        assertThat(root.get("skipped").asInt()).isEqualTo(2);
        assertThat(root.get("labels").asInt()).isEqualTo(3);
        assertThat(root.get("top5").asDouble()).isEqualTo(1.0); // k = 3 labels
        assertThat(root.get("top1").asDouble()).isBetween(0.0, 1.0);
        assertThat(root.get("mean_per_class_recall").asDouble()).isBetween(0.0, 1.0);
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).isEqualTo("true\\predicted,w10,w11,w12");
        long total = rows.stream().skip(1).flatMap(l -> List.of(l.split(",")).stream().skip(1)).mapToLong(Long::parseLong).sum();
        assertThat(total).isEqualTo(4);
        assertThat(rows.get(1)).startsWith("w10,"); // two samples of w10
        assertThat(List.of(rows.get(1).split(",")).stream().skip(1).mapToLong(Long::parseLong).sum()).isEqualTo(2);
    }

    @Test
    void zeroShotWithExtraLabelsCapsTopFiveAndPrintsText() throws Exception {
        CliRunner r = CliRunner.run("eval", "zero-shot", "--model", CliFixture.HF.toString(), "--manifest",
                manifest(tmp).toString(), "--label-key", "label", "--labels", "w10,w11,w12,w13,w14,w15,w16");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 images, 7 labels, 2 records without \"label\" skipped")
                .contains("top1").contains("mean_per_class_recall").doesNotContain("(k=");
    }

    @Test
    void compositionalCountsPairs() throws Exception {
        JsonNode root = json(CliRunner.run("eval", "compositional", "--model", CliFixture.HF.toString(),
                "--manifest", manifest(tmp).toString(), "--format", "json"));
        assertThat(root.get("n").asInt()).isEqualTo(3);
        assertThat(root.get("records").asInt()).isEqualTo(2);
        assertThat(root.get("skipped").asInt()).isEqualTo(4);
        double acc = root.get("accuracy").asDouble();
        assertThat(acc * 3).isCloseTo(Math.rint(acc * 3), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(root.get("all_negatives_beaten").asDouble()).isIn(0.0, 0.5, 1.0);
    }

    @Test
    void helpExplainsEveryOption() {
        CliRunner r = CliRunner.run("eval", "zero-shot", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--label-key").contains("--labels").contains("--template").contains("a photo of a {}.")
                .contains("--confusion-csv").contains("default: text").contains("--model");
        assertThat(CliRunner.run("eval").out()).contains("retrieval").contains("zero-shot").contains("compositional");
    }
}
