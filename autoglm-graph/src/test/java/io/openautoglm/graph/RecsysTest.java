package io.openautoglm.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.data.NodeEncoder;
import io.openautoglm.graph.recsys.CrossLayer;
import io.openautoglm.graph.recsys.PairScorer;
import io.openautoglm.graph.recsys.RecsysConfig;
import io.openautoglm.graph.recsys.RecsysData;
import io.openautoglm.graph.recsys.RecsysEvaluation;
import io.openautoglm.graph.recsys.RecsysFiles;
import io.openautoglm.graph.recsys.RecsysGenerator;
import io.openautoglm.graph.recsys.RecsysTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The recommendation set is deterministic and planted; DCN's cross layer is the paper's formula; both rankers learn. */
class RecsysTest {
    static final Path BUNDLED = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize();

    @TempDir
    static Path tmp;

    static RecsysData data;
    static Map<String, Object> popularity;

    @BeforeAll
    static void makeSet() throws Exception {
        RecsysGenerator.Dataset made = new RecsysGenerator(150, 120, 5).generate();
        try (MultimodalModel model = MultimodalModel.load(BUNDLED)) {
            RecsysFiles.write(tmp.resolve("set"), made, encoder(model), BUNDLED.getFileName().toString(), 5);
        }
        data = RecsysFiles.read(tmp.resolve("set"));
        popularity = RecsysEvaluation.evaluate(PairScorer.popularity(data.inputs()), data, "test");
        System.out.println("popularity " + popularity);
    }

    static NodeEncoder encoder(MultimodalModel model) {
        return new NodeEncoder() {
            @Override
            public float[][] embedImageFiles(List<Path> files) {
                return model.embedImageFiles(files, EmbedOptions.defaults());
            }

            @Override
            public float[][] embedTexts(List<String> texts) {
                return model.embedTexts(texts);
            }
        };
    }

    @Test
    void generatorIsDeterministicAndKeepsItsRules() {
        RecsysGenerator.Dataset a = new RecsysGenerator(30, 40, 9).generate();
        RecsysGenerator.Dataset b = new RecsysGenerator(30, 40, 9).generate();
        RecsysGenerator.Dataset other = new RecsysGenerator(30, 40, 10).generate();
        assertThat(a.interactions()).isEqualTo(b.interactions());
        assertThat(a.items()).isEqualTo(b.items());
        assertThat(a.users()).isEqualTo(b.users());
        assertThat(a.interactions()).isNotEqualTo(other.interactions());
        long clicks = a.interactions().stream().filter(RecsysGenerator.Interaction::click).count();
        long likes = a.interactions().stream().filter(RecsysGenerator.Interaction::like).count();
        assertThat(likes).isPositive().isLessThan(clicks);
        for (RecsysGenerator.Interaction x : a.interactions()) {
            assertThat(!x.like() || x.click()).as("like implies click").isTrue();
            if (x.split().equals("train")) {
                assertThat(a.items().get(x.item()).cold()).as("cold items are never shown in training").isFalse();
            }
        }
        // Time order per user: every train impression comes before every val and test one.
        for (int u = 0; u < 30; u++) {
            int user = u;
            long lastTrain = a.interactions().stream().filter(x -> x.user() == user && x.split().equals("train"))
                    .mapToLong(RecsysGenerator.Interaction::time).max().orElseThrow();
            long firstLater = a.interactions().stream().filter(x -> x.user() == user && !x.split().equals("train"))
                    .mapToLong(RecsysGenerator.Interaction::time).min().orElseThrow();
            assertThat(lastTrain).isLessThan(firstLater);
        }
    }

    @Test
    void crossLayerMatchesHandComputedCase() {
        TorchRuntime.seed(1);
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            CrossLayer layer = new CrossLayer(2);
            layer.initialize(m, DataType.FLOAT32, new Shape(1));
            var params = layer.namedParameters();
            TorchRuntime.stopRecordingGradients();
            params.get("linear.weight").getArray().set(new ai.djl.ndarray.index.NDIndex("..."),
                    m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)));
            params.get("linear.bias").getArray().set(new ai.djl.ndarray.index.NDIndex("..."), m.create(new float[] {0.5f, -1}));
            NDArray x0 = m.create(new float[] {1, 2}, new Shape(1, 2));
            NDArray xl = m.create(new float[] {3, -1}, new Shape(1, 2));
            // W xl + b = (1*3 + 2*-1 + 0.5, 3*3 + 4*-1 - 1) = (1.5, 4); x0 * that + xl = (1.5 + 3, 8 - 1) = (4.5, 7)
            float[] out = layer.apply(new ParameterStore(m, false), x0, xl, false).toFloatArray();
            assertThat(out).containsExactly(4.5f, 7f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"two-tower", "dcn"})
    void rankerLearnsPlantedTastesAndBeatsPopularity(String kind) {
        RecsysConfig config = RecsysConfig.defaults(kind, data.users(), data.featureWidth());
        RecsysTrainer trainer = new RecsysTrainer(RecsysTrainer.Options.defaults(2), new StopSignal(), line -> {});
        RecsysTrainer.Outcome outcome = trainer.train(config, data);
        try (var ranker = outcome.ranker()) {
            Map<String, Object> test = RecsysEvaluation.evaluate(ranker, data, "test");
            System.out.println(kind + " " + test + " losses " + outcome.losses());
            assertThat(outcome.losses().get(outcome.losses().size() - 1)).isLessThan(outcome.losses().get(0));
            double auroc = (double) test.get("auroc_click");
            // Chance is 0.5 and popularity about 0.56 here; the planted tastes are only learnable from the features.
            assertThat(auroc).as(kind + " click AUROC").isGreaterThan(0.6);
            assertThat(auroc).isGreaterThan((double) popularity.get("auroc_click") + 0.04);
            assertThat((double) test.get("auroc_like")).as(kind + " like AUROC").isGreaterThan(0.6);
            double coldNdcg = (double) ((Map<?, ?>) test.get("cold")).get("ndcg_at_10");
            assertThat(coldNdcg).as(kind + " cold-start NDCG@10").isGreaterThan(
                    (double) ((Map<?, ?>) popularity.get("cold")).get("ndcg_at_10"));
        }
    }

    @Test
    void badInputsAreOneLine() throws Exception {
        assertThatThrownBy(() -> new RecsysGenerator(5, 100, 1)).isInstanceOf(UserInputException.class).hasMessageContaining("--users");
        assertThatThrownBy(() -> new RecsysGenerator(50, 3, 1)).isInstanceOf(UserInputException.class).hasMessageContaining("--items");
        assertThatThrownBy(() -> RecsysConfig.defaults("svd", 3, 4)).hasMessageContaining("two-tower or dcn");
        assertThatThrownBy(() -> RecsysFiles.read(tmp.resolve("nothing"))).hasMessageContaining("data recsys");
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Files.copy(tmp.resolve("set/items.jsonl"), broken.resolve("items.jsonl"));
        Files.copy(tmp.resolve("set/recsys.json"), broken.resolve("recsys.json"));
        Files.writeString(broken.resolve("interactions.jsonl"),
                "{\"user\":\"u\",\"item\":\"item-0\",\"time\":1,\"click\":0,\"like\":1,\"split\":\"train\"}\n");
        assertThatThrownBy(() -> RecsysFiles.read(broken)).hasMessage("interactions.jsonl:1: like without click (a like implies a click)");
        Files.writeString(broken.resolve("interactions.jsonl"), "{\"user\":\"u\",\"item\":\"nope\",\"split\":\"train\"}\n");
        assertThatThrownBy(() -> RecsysFiles.read(broken)).hasMessageContaining("unknown item 'nope'");
    }
}
