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
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PICS.length; i++) {
            lines.add("{\"image\": \"" + TINY.resolve("images").resolve(PICS[i]).toString().replace("\\", "/")
                    + "\", \"caption\": \"w" + (20 + i) + " w" + (30 + i) + "\", \"label\": \"" + LABELS[i] + "\"}");
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
}
