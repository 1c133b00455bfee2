package io.openautoglm.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.ZeroShotResult;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluators against the core API they batch around, on the tiny reference model. */
class EvaluatorConsistencyTest {
    static final Path TINY = Path.of("../autoglm-core/src/test/resources/clip-parity/tiny-clip").toAbsolutePath().normalize();
    static final String[] PICS = {"pic0_32x32_RGB.png", "pic1_97x61_RGB.png", "pic2_45x130_L.png",
        "pic3_200x200_RGBA.png", "pic4_31x33_RGB.png"};
    static final String[] LABELS = {"w5", "w6", "w7", "w5", "w8"};
    static MultimodalModel model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        model = MultimodalModel.load(TINY.resolve("hf"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private Manifest manifest() throws Exception {
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < PICS.length; i++) {
            captions.add("w" + (20 + i) + " w" + (30 + i));
        }
        return manifest(captions);
    }

    private Manifest manifest(List<String> captions) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PICS.length; i++) {
            lines.add("{\"image\": \"" + TINY.resolve("images").resolve(PICS[i]).toString().replace("\\", "/")
                    + "\", \"caption\": \"" + captions.get(i) + "\", \"label\": \"" + LABELS[i] + "\"}");
        }
        Files.write(tmp.resolve("m.jsonl"), lines);
        return Manifest.read(tmp.resolve("m.jsonl"));
    }

    @Test
    void zeroShotPredictionsMatchTheCoreZeroShot() throws Exception {
        Manifest m = manifest();
        List<String> templates = List.of("{}", "w40 {}");
        ZeroShotMetrics metrics = new ZeroShotEvaluator(model, null).evaluate(m, "label", null, templates);
        assertThat(metrics.labels()).containsExactly("w5", "w6", "w7", "w8");
        List<RgbImage> images = new ArrayList<>();
        for (String p : PICS) {
            images.add(model.imageLoader().load(TINY.resolve("images").resolve(p)));
        }
        List<ZeroShotResult> core = model.zeroShot(images, metrics.labels(), templates);
        long[][] expected = new long[4][4];
        int correct = 0;
        for (int i = 0; i < PICS.length; i++) {
            int t = metrics.labels().indexOf(LABELS[i]);
            int p = metrics.labels().indexOf(core.get(i).best().label());
            expected[t][p]++;
            correct += t == p ? 1 : 0;
        }
        assertThat(metrics.confusion()).isDeepEqualTo(expected);
        assertThat(metrics.top1()).isEqualTo(correct / 5.0);
    }

    @Test
    void retrievalRanksMatchABruteForceCount() throws Exception {
        Manifest m = manifest();
        RetrievalEvaluator.Result r = new RetrievalEvaluator(model, null).evaluate(m);
        List<Path> files = m.records().stream().map(x -> x.image()).toList();
        float[][] img = model.embedImageFiles(files, io.openautoglm.core.EmbedOptions.defaults());
        float[][] txt = model.embedTexts(m.records().stream().map(x -> x.caption()).toList());
        float[][] sim = MultimodalModel.similarity(txt, img); // (5, 5), caption i belongs to image i
        double t2iSum = 0;
        double i2tSum = 0;
        for (int i = 0; i < 5; i++) {
            int rowRank = 1;
            int colRank = 1;
            for (int j = 0; j < 5; j++) {
                rowRank += j != i && sim[i][j] >= sim[i][i] ? 1 : 0;
                colRank += j != i && sim[j][i] >= sim[i][i] ? 1 : 0;
            }
            t2iSum += rowRank;
            i2tSum += colRank;
        }
        assertThat(r.n()).isEqualTo(5);
        assertThat(r.textToImage().meanRank()).isEqualTo(t2iSum / 5);
        assertThat(r.imageToText().meanRank()).isEqualTo(i2tSum / 5);
    }

    @Test
    void sameCaptionRetrievalCountsEveryImageWithTheCaptionAsRelevant() throws Exception {
        // Pictures 0 and 3 share a caption (up to case and spaces); the others have their own.
        Manifest m = manifest(List.of("w20 w30", "w21 w31", "w22 w32", " W20  w30", "w24 w34"));
        RetrievalEvaluator.Result r = new RetrievalEvaluator(model, null).evaluate(m);
        List<Path> files = m.records().stream().map(x -> x.image()).toList();
        float[][] img = model.embedImageFiles(files, io.openautoglm.core.EmbedOptions.defaults());
        float[][] txt = model.embedTexts(m.records().stream().map(x -> x.caption()).toList());
        float[][] sim = MultimodalModel.similarity(txt, img); // (5, 5)
        int[][] relevant = {{0, 3}, {1}, {2}, {0, 3}, {4}};
        double strictSum = 0;
        double sharedSum = 0;
        for (int i = 0; i < 5; i++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int j : relevant[i]) {
                best = Math.max(best, sim[i][j]);
            }
            int strictRank = 1;
            int sharedRank = 1;
            for (int j = 0; j < 5; j++) {
                strictRank += j != i && sim[i][j] >= sim[i][i] ? 1 : 0;
                int jj = j;
                boolean isRelevant = java.util.Arrays.stream(relevant[i]).anyMatch(x -> x == jj);
                sharedRank += !isRelevant && sim[i][j] >= best ? 1 : 0;
            }
            strictSum += strictRank;
            sharedSum += sharedRank;
        }
        assertThat(r.sharedCaptions()).isEqualTo(2);
        assertThat(r.textToImage().meanRank()).isEqualTo(strictSum / 5);
        assertThat(r.textToImageSameCaption().meanRank()).isEqualTo(sharedSum / 5);
        assertThat(r.textToImageSameCaption().recallAt1()).isGreaterThanOrEqualTo(r.textToImage().recallAt1());
        assertThat(r.toJson().path("text_to_image_same_caption").has("R@1")).isTrue();
        assertThat(r.toJson().path("shared_captions").asInt()).isEqualTo(2);
    }

    @Test
    void identicalCaptionsOfOneImageDoNotMakeItShared() {
        // Image 0 has the same caption twice, image 1 once with other spacing: queries 0-2 share {0, 1}.
        int[][] same = RetrievalEvaluator.sameCaptionImages(List.of("a red circle", "a red circle", "A red  circle", "a star"),
                new int[] {0, 0, 1, 2});
        assertThat(same[0]).containsExactly(0, 1);
        assertThat(same[2]).containsExactly(0, 1);
        assertThat(same[3]).containsExactly(2);
    }

    @Test
    void filipZeroShotPicksTheLabelWithTheBestMeanPromptScore() throws Exception {
        Manifest m = manifest();
        List<String> templates = List.of("{}", "w40 {}");
        ZeroShotMetrics metrics = new ZeroShotEvaluator(model, null, RetrievalEvaluator.Scorer.FILIP)
                .evaluate(m, "label", null, templates);
        List<String> labels = metrics.labels(); // w5 w6 w7 w8
        io.openautoglm.core.FilipScorer filip = new io.openautoglm.core.FilipScorer(model);
        List<Path> files = m.records().stream().map(x -> x.image()).toList();
        float[][] perPrompt = filip.score(filip.embedPictureFiles(files, 2),
                filip.embedTexts(io.openautoglm.core.ZeroShotClassifier.prompts(labels, templates), 3)).imageToText(); // (5, 8)
        long[][] expected = new long[4][4];
        for (int i = 0; i < PICS.length; i++) {
            int best = 0;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int l = 0; l < labels.size(); l++) {
                float mean = (perPrompt[i][2 * l] + perPrompt[i][2 * l + 1]) / 2;
                if (mean > bestScore) {
                    bestScore = mean;
                    best = l;
                }
            }
            expected[labels.indexOf(LABELS[i])][best]++;
        }
        assertThat(metrics.confusion()).isDeepEqualTo(expected);
    }

    @Test
    void templateMeansAreTakenLabelByLabel() {
        float[][] label = ZeroShotEvaluator.meanOverTemplates(new float[][] {{1, 3, 10, 20}}, 2, 2);
        assertThat(label[0]).containsExactly(2f, 15f);
    }
}
