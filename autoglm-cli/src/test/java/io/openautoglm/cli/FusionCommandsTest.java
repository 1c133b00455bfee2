package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.core.model.fusion.FusionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** match, vqa, caption and eval vqa/caption/rerank on the tiny reference model with random fusion heads. */
class FusionCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ANSWERS = List.of("yes", "no", "w1", "2");

    @TempDir
    static Path dir;

    static Path model;
    static Path manifest;

    @BeforeAll
    static void makeModel() throws Exception {
        ClipConfig base = ClipConfig.fromHuggingFace(JSON.readTree(CliFixture.HF.resolve("config.json").toFile()));
        ClipConfig config = base.withFusion(new FusionConfig(1, 1, base.text().heads(), base.text().mlpSize(), ANSWERS));
        model = dir.resolve("fusion-model");
        try (MultimodalModel m = MultimodalModel.randomlyInitialized(config, CliFixture.HF.resolve("tokenizer.json"),
                PreprocessorConfig.clipDefaults(base.vision().imageSize()), 7, "fusion-model")) {
            m.save(model, null);
        }
        String img = EvalCommandTest.IMAGES.toString().replace("\\", "/");
        manifest = dir.resolve("qa.jsonl");
        Files.write(manifest, List.of(
                "{\"image\": \"" + img + "/pic0_32x32_RGB.png\", \"caption\": \"w1 w2 w3\", \"captions\": [\"w2 w3\"],"
                        + " \"hard_negatives\": [\"w3 w2 w1\"], \"qa\": [{\"question\": \"w1 w2?\", \"answer\": \"yes\", \"type\": \"exist\"},"
                        + " {\"question\": \"w4?\", \"answer\": \"2\", \"type\": \"count\"}]}",
                "{\"image\": \"" + img + "/pic1_97x61_RGB.png\", \"caption\": \"w4 w5\", \"hard_negatives\": [\"w5 w4\"],"
                        + " \"question\": \"w5?\", \"answers\": [\"w1\", \"w1\", \"no\"]}",
                "{\"image\": \"" + img + "/pic2_45x130_L.png\", \"caption\": \"w6 w7\"}"));
    }

    private static JsonNode json(CliRunner r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void matchVqaAndCaptionAnswerInTheDocumentedShapes() throws Exception {
        JsonNode match = json(CliRunner.run("match", "--model", model.toString(), "--image", CliFixture.PIC0.toString(),
                "--text", "w1 w2", "--format", "json"));
        assertThat(match.get("match").asDouble()).isBetween(0.0, 1.0);

        JsonNode vqa = json(CliRunner.run("vqa", "--model", model.toString(), "--image", CliFixture.PIC0.toString(),
                "--question", "w1?", "--format", "json"));
        assertThat(ANSWERS).contains(vqa.get("answer").asText());
        assertThat(vqa.get("score").asDouble()).isEqualTo(vqa.get("top").get(0).get("score").asDouble());

        JsonNode captions = json(CliRunner.run("caption", "--model", model.toString(), "--beam", "2", "--max-length", "4",
                "--format", "json", CliFixture.PIC0.toString(), CliFixture.PIC2.toString()));
        assertThat(captions.get("results")).hasSize(2);
        assertThat(captions.get("results").get(1).get("image").asText()).isEqualTo(CliFixture.PIC2.toString());
        assertThat(captions.get("results").get(0).has("caption")).isTrue();
    }

    /** The written VQA v2 and COCO files give the same numbers through autoglm metrics. */
    @Test
    void evalWritesOfficialFilesThatMetricsScoresTheSame() throws Exception {
        Path vqaDir = dir.resolve("vqa");
        JsonNode vqa = json(CliRunner.run("eval", "vqa", "--model", model.toString(), "--manifest", manifest.toString(),
                "--out", vqaDir.toString(), "--format", "json"));
        assertThat(vqa.get("perQuestionType").has("exist")).isTrue();
        assertThat(JSON.readTree(vqaDir.resolve("questions.json").toFile()).get("questions")).hasSize(3);
        JsonNode annotations = JSON.readTree(vqaDir.resolve("annotations.json").toFile()).get("annotations");
        assertThat(annotations.get(0).get("answers")).hasSize(10); // one answer stands for ten annotators
        assertThat(annotations.get(2).get("answers")).hasSize(3); // real annotators are kept as given
        JsonNode rescored = json(CliRunner.run("metrics", "vqa", "--annotations", vqaDir.resolve("annotations.json").toString(),
                "--results", vqaDir.resolve("results.json").toString(), "--format", "json"));
        assertThat(rescored.get("overall")).isEqualTo(vqa.get("overall"));
        JsonNode old = json(CliRunner.run("eval", "vqa", "--model", model.toString(), "--manifest", manifest.toString(),
                "--vqa-eval", "2017", "--format", "json"));
        JsonNode oldRescored = json(CliRunner.run("metrics", "vqa", "--annotations", vqaDir.resolve("annotations.json").toString(),
                "--results", vqaDir.resolve("results.json").toString(), "--vqa-eval", "2017", "--format", "json"));
        assertThat(oldRescored.get("overall")).isEqualTo(old.get("overall"));

        Path capDir = dir.resolve("cap");
        JsonNode cap = json(CliRunner.run("eval", "caption", "--model", model.toString(), "--manifest", manifest.toString(),
                "--max-length", "5", "--out", capDir.toString(), "--format", "json"));
        JsonNode recap = json(CliRunner.run("metrics", "caption", "--annotations", capDir.resolve("annotations.json").toString(),
                "--results", capDir.resolve("results.json").toString(), "--format", "json"));
        assertThat(recap.get("CIDEr").asDouble()).isCloseTo(cap.get("CIDEr").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(recap.get("Bleu_4").asDouble()).isCloseTo(cap.get("Bleu_4").asDouble(), org.assertj.core.data.Offset.offset(1e-9));

        JsonNode rerank = json(CliRunner.run("eval", "rerank", "--model", model.toString(), "--manifest", manifest.toString(),
                "--top", "2", "--format", "json"));
        assertThat(rerank.get("queries").asInt()).isEqualTo(2); // the two records with hard negatives
        assertThat(rerank.get("images").asInt()).isEqualTo(3);
        assertThat(rerank.get("reranked").get("R@5").asDouble()).isEqualTo(1.0);
    }

    /**
     * Re-ranking queries are the captions with a twisted twin (a record's relation caption too, not
     * only its first), and a caption two records list counts both pictures as relevant in the second score.
     */
    @Test
    void rerankQueriesEveryTwinnedCaptionAndCountsEveryPictureItDescribes() throws Exception {
        String img = EvalCommandTest.IMAGES.toString().replace("\\", "/");
        Path twins = dir.resolve("twins.jsonl");
        Files.write(twins, List.of(
                "{\"image\": \"" + img + "/pic0_32x32_RGB.png\", \"caption\": \"w1 w2 w3\", \"captions\": [\"w6 w7\"],"
                        + " \"hard_negatives\": [{\"caption\": \"w3 w2 w1\", \"positive\": \"w1 w2 w3\"},"
                        + " {\"caption\": \"w7 w6\", \"positive\": \"w6 w7\"}]}",
                "{\"image\": \"" + img + "/pic1_97x61_RGB.png\", \"caption\": \"w4 w5\", \"captions\": [\"w6 w7\"],"
                        + " \"hard_negatives\": [\"w5 w4\", {\"caption\": \"w9 w8\", \"positive\": \"w8 w9\"}]}",
                "{\"image\": \"" + img + "/pic2_45x130_L.png\", \"caption\": \"w6 w1\"}"));
        JsonNode twinned = json(CliRunner.run("eval", "rerank", "--model", model.toString(), "--manifest", twins.toString(),
                "--top", "3", "--format", "json"));
        // w1 w2 w3, w6 w7, w4 w5, and w8 w9: a twin's positive that no record lists still queries its own picture
        assertThat(twinned.get("queries").asInt()).isEqualTo(4);
        assertThat(twinned.get("queries_describing_several_pictures").asInt()).isEqualTo(1); // w6 w7: both first pictures
        JsonNode coco = twinned.get("dual_encoder");
        JsonNode described = twinned.get("every_described_picture").get("dual_encoder");
        assertThat(described.get("R@1").asDouble()).isGreaterThanOrEqualTo(coco.get("R@1").asDouble());
        assertThat(described.get("MRR").asDouble()).isGreaterThanOrEqualTo(coco.get("MRR").asDouble());
        JsonNode first = json(CliRunner.run("eval", "rerank", "--model", model.toString(), "--manifest", twins.toString(),
                "--top", "3", "--queries", "first", "--format", "json"));
        assertThat(first.get("queries").asInt()).isEqualTo(2);
        CliRunner.assertOneLineError(CliRunner.run("eval", "rerank", "--model", model.toString(), "--manifest", twins.toString(),
                "--queries", "all"), "--queries must be twinned or first");
    }

    @Test
    void mistakesAreOneLineErrors() throws Exception {
        CliRunner.assertOneLineError(CliRunner.run("match", "--model", CliFixture.HF.toString(), "--image", CliFixture.PIC0.toString(),
                "--text", "w1"), "no fusion heads");
        CliRunner.assertOneLineError(CliRunner.run("vqa", "--model", model.toString(), "--image", CliFixture.PIC0.toString(),
                "--question", " "), "--question is empty");
        CliRunner.assertOneLineError(CliRunner.run("caption", "--model", model.toString(), "--beam", "0", CliFixture.PIC0.toString()),
                "beam size");
        CliRunner.assertOneLineError(CliRunner.run("eval", "vqa", "--model", model.toString(), "--manifest", manifest.toString(),
                "--vqa-eval", "2016"), "--vqa-eval must be 2017, 2021 or current, got '2016'");
        Path noQuestions = dir.resolve("plain.jsonl");
        Files.write(noQuestions, List.of("{\"image\": \"" + CliFixture.PIC0.toString().replace("\\", "/") + "\", \"caption\": \"w1\"}"));
        CliRunner.assertOneLineError(CliRunner.run("eval", "vqa", "--model", model.toString(), "--manifest", noQuestions.toString()),
                "has no questions");
        CliRunner.assertOneLineError(CliRunner.run("eval", "compositional", "--model", model.toString(), "--manifest",
                manifest.toString(), "--scorer", "magic"), "--scorer");
    }
}
