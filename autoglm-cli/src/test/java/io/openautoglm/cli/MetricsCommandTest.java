package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autoglm metrics caption|vqa} end to end on small files, and every user mistake as one line. */
class MetricsCommandTest {
    @TempDir
    Path tmp;

    static final String CAPTION_ANNOTATIONS = """
            {"images": [{"id": 1}, {"id": 2}],
             "annotations": [
               {"image_id": 1, "id": 10, "caption": "A dog."},
               {"image_id": 2, "id": 11, "caption": "Two cats!"}]}
            """;

    static final String VQA_ANNOTATIONS = """
            {"annotations": [
              {"question_id": 1, "question_type": "what color", "answer_type": "other",
               "answers": [%s]},
              {"question_id": 2, "question_type": "how many", "answer_type": "number",
               "answers": [%s]}]}
            """.formatted(answers("red", 10, "red", 0), answers("3", 1, "4", 9));

    private static String answers(String a, int na, String b, int nb) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < na + nb; i++) {
            sb.append(i == 0 ? "" : ", ").append("{\"answer\": \"").append(i < na ? a : b)
                    .append("\", \"answer_confidence\": \"yes\", \"answer_id\": ").append(i + 1).append('}');
        }
        return sb.toString();
    }

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private CliRunner caption(Path annotations, Path results, String... extra) {
        String[] args = {"metrics", "caption", "--annotations", annotations.toString(), "--results", results.toString()};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return CliRunner.run(all);
    }

    private CliRunner vqa(Path annotations, Path results) {
        return CliRunner.run("metrics", "vqa", "--annotations", annotations.toString(), "--results", results.toString());
    }

    @Test
    void captionMetricsAsJson() throws Exception {
        // After tokenization both images match exactly ("a dog" and "two cats"): the CIDEr-D of two exact
        // two-word matches is 5.0 (unigram and bigram cosines 1, no 3/4-grams; (1+1+0+0)/4*10);
        // ROUGE-L 1; BLEU-1 and BLEU-2 1 (up to the 1e-9 smoothing); BLEU-3/4 have no n-grams: ~0.
        Path a = write("a.json", CAPTION_ANNOTATIONS);
        Path r = write("r.json", "[{\"image_id\": 2, \"caption\": \"two cats\"}, {\"image_id\": 1, \"caption\": \"a  Dog\"}]");
        CliRunner run = caption(a, r, "--format", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(run.out());
        assertThat(j.fieldNames()).toIterable().containsExactly("Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr");
        assertThat(j.get("Bleu_1").asDouble()).isCloseTo(1.0, within(1e-8));
        assertThat(j.get("Bleu_2").asDouble()).isCloseTo(1.0, within(1e-8));
        assertThat(j.get("Bleu_4").asDouble()).isLessThan(1e-3);
        assertThat(j.get("ROUGE_L").asDouble()).isEqualTo(1.0);
        assertThat(j.get("CIDEr").asDouble()).isCloseTo(5.0, within(1e-12));
    }

    @Test
    void captionMetricsAsText() throws Exception {
        Path a = write("a.json", CAPTION_ANNOTATIONS);
        Path r = write("r.json", "[{\"image_id\": 1, \"caption\": \"a dog\"}, {\"image_id\": 2, \"caption\": \"x y\"}]");
        CliRunner run = caption(a, r);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("2 images, 2 reference captions").contains("CIDEr").contains("ROUGE_L    0.500000");
    }

    @Test
    void missingResultsAreAnErrorUnlessAllowed() throws Exception {
        Path a = write("a.json", CAPTION_ANNOTATIONS);
        Path r = write("r.json", "[{\"image_id\": 1, \"caption\": \"a dog\"}]");
        CliRunner.assertOneLineError(caption(a, r), "no caption for 1 of the 2 annotated images", "image_id 2", "--allow-missing-results");
        // Scored alone, image 1 is a corpus of one: every idf is ln 1 - ln 1 = 0, so CIDEr-D is 0.
        CliRunner run = caption(a, r, "--allow-missing-results", "--format", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Json.MAPPER.readTree(run.out()).get("CIDEr").asDouble()).isEqualTo(0.0);
        assertThat(Json.MAPPER.readTree(run.out()).get("ROUGE_L").asDouble()).isEqualTo(1.0);
    }

    @Test
    void pretokenizedCaptionsAreOnlySplit() throws Exception {
        // With --tokenized, "A dog." stays the tokens "A" and "dog." and no longer matches "a dog" (ROUGE-L 0);
        // "Two cats!" matches itself (1). Mean 0.5.
        Path a = write("a.json", CAPTION_ANNOTATIONS);
        Path r = write("r.json", "[{\"image_id\": 1, \"caption\": \"a dog\"}, {\"image_id\": 2, \"caption\": \"Two cats!\"}]");
        CliRunner run = caption(a, r, "--tokenized", "--format", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Json.MAPPER.readTree(run.out()).get("ROUGE_L").asDouble()).isEqualTo(0.5);
    }

    @Test
    void vqaAccuracyAsJsonAndText() throws Exception {
        // Today's official rule (the default). Question 1: ten "red" all agree, so nothing is normalized and
        // the prediction "Red" matches none -> 0. Question 2: one "3", nine "4" disagree, so both sides are
        // normalized; "three" -> "3": 0 when the "3" is left out, 1/3 otherwise -> 0.3. Overall 15.0.
        Path a = write("a.json", VQA_ANNOTATIONS);
        Path r = write("r.json", "[{\"question_id\": 2, \"answer\": \"three\"}, {\"question_id\": 1, \"answer\": \"Red\"}]");
        CliRunner run = CliRunner.run("metrics", "vqa", "--annotations", a.toString(), "--results", r.toString(), "--format", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("{\"overall\":15.0,\"perQuestionType\":{\"what color\":0.0,\"how many\":30.0},"
                + "\"perAnswerType\":{\"other\":0.0,\"number\":30.0}}");
        CliRunner text = vqa(a, r);
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("overall 15.00").contains("how many").contains("30.00");
        // The 2017 rule always normalizes the prediction: "Red" -> "red" matches ten -> 1; overall 65.0.
        CliRunner old = CliRunner.run("metrics", "vqa", "--annotations", a.toString(), "--results", r.toString(),
                "--vqa-eval", "2017", "--format", "json");
        assertThat(old.exitCode()).as(old.err()).isZero();
        assertThat(old.out().strip()).isEqualTo("{\"overall\":65.0,\"perQuestionType\":{\"what color\":100.0,\"how many\":30.0},"
                + "\"perAnswerType\":{\"other\":100.0,\"number\":30.0}}");
        CliRunner current = CliRunner.run("metrics", "vqa", "--annotations", a.toString(), "--results", r.toString(),
                "--vqa-eval", "current", "--format", "json");
        assertThat(current.out()).isEqualTo(run.out());
    }

    @Test
    void captionBadInput() throws Exception {
        Path a = write("a.json", CAPTION_ANNOTATIONS);
        Path good = write("r.json", "[{\"image_id\": 1, \"caption\": \"a b\"}, {\"image_id\": 2, \"caption\": \"c d\"}]");
        CliRunner.assertOneLineError(caption(tmp.resolve("nope.json"), good), "--annotations", "nope.json", "does not exist");
        CliRunner.assertOneLineError(caption(a, write("bad.json", "[{\"image_id\": 1, \"caption\": ")), "bad.json", "not valid JSON", "line 1");
        CliRunner.assertOneLineError(caption(a, write("obj.json", "{\"image_id\": 1}")), "expected a JSON array");
        CliRunner.assertOneLineError(caption(write("list.json", "[]"), good), "--annotations", "\"annotations\" array");
        CliRunner.assertOneLineError(caption(a, write("nokey.json", "[{\"image_id\": 1}]")), "results[0]", "no \"caption\"");
        CliRunner.assertOneLineError(caption(a, write("noid.json", "[{\"caption\": \"a\"}]")), "results[0]", "no \"image_id\"");
        CliRunner.assertOneLineError(caption(a, write("num.json", "[{\"image_id\": 1, \"caption\": 5}]")), "not a string");
        CliRunner.assertOneLineError(caption(a, write("fid.json", "[{\"image_id\": 1.5, \"caption\": \"a\"}]")), "neither an integer nor a string");
        CliRunner.assertOneLineError(caption(a, write("unknown.json", "[{\"image_id\": 1, \"caption\": \"a\"}, {\"image_id\": 9, \"caption\": \"b\"}]")),
                "results[1]", "image_id 9", "no caption in --annotations");
        // "1" (a string) is another id than 1, as in the reference tools.
        CliRunner.assertOneLineError(caption(a, write("strid.json", "[{\"image_id\": \"1\", \"caption\": \"a\"}]")), "image_id \"1\"");
        CliRunner.assertOneLineError(caption(a, write("dup.json", "[{\"image_id\": 1, \"caption\": \"a\"}, {\"image_id\": 1, \"caption\": \"b\"}]")),
                "image_id 1 has two captions", "results[0]", "results[1]");
        CliRunner.assertOneLineError(caption(write("noann.json", "{\"annotations\": [{\"image_id\": 1}]}"), good),
                "--annotations", "annotations[0]", "no \"caption\"");
        CliRunner.assertOneLineError(caption(a, write("empty.json", "")), "empty");
        CliRunner.assertOneLineError(caption(a, write("trailing.json", "[{\"image_id\": 1, \"caption\": \"a\"}] x")), "not valid JSON");
    }

    @Test
    void vqaBadInput() throws Exception {
        Path a = write("a.json", VQA_ANNOTATIONS);
        CliRunner.assertOneLineError(vqa(a, write("one.json", "[{\"question_id\": 1, \"answer\": \"red\"}]")),
                "no answer for 1 of the 2", "question_id 2");
        CliRunner.assertOneLineError(vqa(a, write("unk.json", "[{\"question_id\": 1, \"answer\": \"red\"}, {\"question_id\": 7, \"answer\": \"x\"}]")),
                "results[1]", "question_id 7", "not in --annotations");
        CliRunner.assertOneLineError(vqa(a, write("dup.json", "[{\"question_id\": 1, \"answer\": \"a\"}, {\"question_id\": 1, \"answer\": \"b\"}]")),
                "question_id 1 is answered twice");
        CliRunner.assertOneLineError(vqa(a, write("noans.json", "[{\"question_id\": 1}]")), "results[0]", "no \"answer\"");
        CliRunner.assertOneLineError(vqa(a, write("bad.json", "[{")), "not valid JSON");
        Path good = write("good.json", "[{\"question_id\": 1, \"answer\": \"red\"}]");
        CliRunner.assertOneLineError(vqa(write("notype.json", "{\"annotations\": [{\"question_id\": 1, \"answer_type\": \"other\", \"answers\": [{\"answer\": \"red\"}]}]}"), good),
                "annotations[0]", "no \"question_type\"");
        CliRunner.assertOneLineError(vqa(write("noanswers.json", "{\"annotations\": [{\"question_id\": 1, \"question_type\": \"q\", \"answer_type\": \"other\", \"answers\": []}]}"), good),
                "annotations[0]", "non-empty \"answers\"");
        CliRunner.assertOneLineError(vqa(write("dupq.json", "{\"annotations\": [" + oneQuestion(1) + ", " + oneQuestion(1) + "]}"), good),
                "question_id 1 appears twice");
        CliRunner.assertOneLineError(CliRunner.run("metrics", "vqa", "--annotations", a.toString(), "--results", good.toString(),
                "--vqa-eval", "2019"), "--vqa-eval must be 2017, 2021 or current, got '2019'");
    }

    private static String oneQuestion(int id) {
        return "{\"question_id\": " + id + ", \"question_type\": \"q\", \"answer_type\": \"other\", \"answers\": [{\"answer\": \"red\"}]}";
    }
}
