package io.openautoglm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.image.corrupt.Corruption;
import io.openautoglm.eval.metrics.VqaProtocol;
import io.openautoglm.train.data.shapeworld.ShapeWorldConfig;
import io.openautoglm.train.data.shapeworld.ShapeWorldGenerator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Robustness runs with the bundled (trained) models on fresh ShapeWorld pictures: corrupted
 * pictures score no higher than clean ones, the strongest corruptions far lower, and the JSON
 * and report hold what the issue asks for.
 */
class RobustnessEvaluatorTest {
    static final Path BUNDLED = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize();
    static final Path FUSION = Path.of("../models/autoglm-shapes-tiny-fusion").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static Manifest manifest;
    static MultimodalModel model;

    @BeforeAll
    static void setUp() throws Exception {
        // 90 pictures, seed 4242 (the bundled model trained on seed 1): about 25 hold one shape.
        new ShapeWorldGenerator(ShapeWorldConfig.defaults(90, 4242)).generate(data.resolve("sw"), false, line -> { });
        manifest = Manifest.read(data.resolve("sw/train.jsonl"));
        model = MultimodalModel.load(BUNDLED);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static RobustnessTask zeroShotShape() {
        return RobustnessTasks.zeroShot(model, manifest, "shape", List.of(), List.of("a {}"), null);
    }

    @Test
    void corruptedPicturesScoreNoHigherThanCleanOnesAndTheJsonSaysSo() {
        StringWriter progress = new StringWriter();
        RobustnessResult r = new RobustnessEvaluator(new PrintWriter(progress, true))
                .evaluate(zeroShotShape(), List.of(Corruption.GAUSSIAN_NOISE, Corruption.OCCLUSION, Corruption.GAUSSIAN_BLUR),
                        List.of(1, 5), 3L);
        double clean = r.clean().value();
        assertThat(clean).as("the bundled model reads shapes (chance 1/6)").isGreaterThan(0.8);
        for (Corruption c : r.scores().keySet()) {
            for (RobustnessResult.Point p : r.scores().get(c)) {
                assertThat(p.value()).as(c.id() + " severity " + p.severity()).isLessThanOrEqualTo(clean);
            }
        }
        // The pictures really are corrupted: the strongest noise leaves the model near chance.
        assertThat(r.scores().get(Corruption.GAUSSIAN_NOISE).get(1).value()).isLessThan(clean - 0.3);
        assertThat(progress.toString().lines().filter(l -> l.startsWith("robustness: pass ")).count()).isEqualTo(7);

        JsonNode json = r.toJson();
        assertThat(json.path("clean").path("top1").asDouble()).isEqualTo(clean);
        assertThat(json.path("clean").has("n")).isTrue();
        JsonNode noise = json.path("corruptions").path("gaussian_noise");
        assertThat(noise.path("severities").get(0).path("severity").asInt()).isEqualTo(1);
        assertThat(noise.path("severities").get(1).path("severity").asInt()).isEqualTo(5);
        double mean = (noise.path("severities").get(0).path("top1").asDouble() + noise.path("severities").get(1).path("top1").asDouble()) / 2;
        assertThat(noise.path("mean").asDouble()).isCloseTo(mean, within(1e-12));
        assertThat(noise.path("relative").asDouble()).isCloseTo(mean / clean, within(1e-12));
        double sum = 0;
        for (String name : List.of("gaussian_noise", "occlusion", "gaussian_blur")) {
            for (JsonNode s : json.path("corruptions").path(name).path("severities")) {
                sum += s.path("top1").asDouble() / clean;
            }
        }
        assertThat(json.path("robustness_score").asDouble()).isCloseTo(sum / 6, within(1e-12));
        assertThat(json.fieldNames()).toIterable().containsExactly("clean", "corruptions", "robustness_score");
    }

    @Test
    void theSameSeedGivesTheSameScores() {
        RobustnessTask task = zeroShotShape();
        RobustnessEvaluator quiet = new RobustnessEvaluator(null);
        List<Corruption> noise = List.of(Corruption.SHOT_NOISE);
        double a = quiet.evaluate(task, noise, List.of(2), 1L).mean(Corruption.SHOT_NOISE);
        double b = quiet.evaluate(task, noise, List.of(2), 1L).mean(Corruption.SHOT_NOISE);
        assertThat(b).isEqualTo(a);
    }

    @Test
    void retrievalAndVqaRunUnderCorruptionsToo() {
        RobustnessTask retrieval = RobustnessTasks.retrieval(model, manifest, true, null);
        RobustnessResult r = new RobustnessEvaluator(null).evaluate(retrieval, List.of(Corruption.CONTRAST), List.of(5), 0L);
        assertThat(r.metric()).isEqualTo("text_to_image_R@1");
        assertThat(r.clean().value()).isGreaterThan(0.3);
        assertThat(r.mean(Corruption.CONTRAST)).isLessThan(r.clean().value());
        assertThat(r.toJson().path("clean").path("text_to_image").has("R@1")).isTrue();
        try (MultimodalModel fusion = MultimodalModel.load(FUSION)) {
            RobustnessTask vqa = RobustnessTasks.vqa(fusion, manifest, 60, List.of("qa"), VqaProtocol.current(), null);
            RobustnessResult v = new RobustnessEvaluator(null).evaluate(vqa, List.of(Corruption.OCCLUSION), List.of(5), 0L);
            assertThat(v.metric()).isEqualTo("overall");
            assertThat(v.clean().value()).isGreaterThan(60.0); // percent
            assertThat(v.mean(Corruption.OCCLUSION)).isLessThan(v.clean().value());
        }
    }

    @Test
    void aManifestWithoutTheLabelIsOneClearLine() {
        assertThatThrownBy(() -> RobustnessTasks.zeroShot(model, manifest, "species", List.of(), List.of(), null))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("has the key \"species\"");
    }

    @Test
    void theReportIsWrittenWholeAndReplacesOnlyAnEarlierReport(@TempDir Path out) throws Exception {
        RobustnessTask task = zeroShotShape();
        RobustnessResult r = new RobustnessEvaluator(null).evaluate(task, List.of(Corruption.JPEG, Corruption.PIXELATE), List.of(1, 5), 0L);
        Path dir = out.resolve("report");
        RobustnessReport.write(r, manifest, task.pictures(), model.name(), dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<img src=\"scores.png\"", "plot-jpeg.png", "plot-pixelate.png", "examples/0-pixelate-5.png",
                "examples/1-jpeg-1.png", "Robustness score");
        for (String file : List.of("scores.png", "plot-jpeg.png", "plot-pixelate.png", "examples/0-clean.png", "examples/1-jpeg-5.png")) {
            byte[] png = Files.readAllBytes(dir.resolve(file));
            assertThat(png).as(file).startsWith(0x89, 'P', 'N', 'G');
        }
        assertThat(JSON.readTree(dir.resolve("robustness.json").toFile()).path("corruptions").has("jpeg")).isTrue();
        // An example is the scored picture, corrupted as in the run.
        assertThat(html).contains(VqaEvaluator.relativeImage(manifest, task.pictures().get(0)));

        Files.writeString(dir.resolve("stale.txt"), "from before");
        RobustnessReport.write(r, manifest, task.pictures(), model.name(), dir); // an earlier report is replaced
        assertThat(dir.resolve("stale.txt")).doesNotExist();
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("report"); // no temporary folder left behind
        }
        Path mine = Files.createDirectories(out.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep");
        assertThatThrownBy(() -> RobustnessReport.write(r, manifest, task.pictures(), model.name(), mine))
                .isInstanceOf(UserInputException.class).hasMessageContaining("holds something other than a report");
        assertThat(mine.resolve("notes.txt")).hasContent("keep");
    }
}
