package io.openautoglm.core;

import static io.openautoglm.core.ParityFixture.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.core.model.clip.CheckpointLayout;
import io.openautoglm.core.model.clip.TokenColumns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultimodalModelTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/open-autoglm-0.1");
    private static MultimodalModel model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        model = MultimodalModel.load(ParityFixture.HF);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void textsAreEmbeddedFromTheColumnsUpToTheLastEndTokenWithTheFullContextsAnswer() {
        List<String> texts = List.of("a photo of a cat", "a", "a very long description of a red square and a blue circle");
        int t = model.tokenizer().contextLength();
        long[] ids = model.tokenizer().encodeBatch(texts);
        long eos = model.tokenizer().tokenId("<|endoftext|>");
        int used = TokenColumns.usedLength(ids, texts.size(), t, eos);
        assertThat(used).isLessThan(t).isGreaterThan(3);
        float[][] full = model.embedTokenIds(ids, texts.size(), t, true);
        assertThat(maxAbsDiff(model.embedTexts(texts), full)).isLessThan(1e-5);
    }

    @Test
    void theUsedLengthEndsAtTheLongestRowsFirstEndToken() {
        long eos = 9;
        long[] ids = {
            1, 5, 9, 0, 0, 0, // end token at 2
            1, 2, 3, 9, 9, 0, // first end token at 3
        };
        assertThat(TokenColumns.usedLength(ids, 2, 6, eos)).isEqualTo(4);
        assertThat(TokenColumns.firstColumns(ids, 2, 6, 4)).containsExactly(1, 5, 9, 0, 1, 2, 3, 9);
        long[] noEnd = {1, 7, 2, 0, 0, 0}; // a row without an end token keeps every column
        assertThat(TokenColumns.usedLength(noEnd, 1, 6, eos)).isEqualTo(6);
    }

    @Test
    void concurrentCallsFromManyThreadsGiveTheSequentialAnswers() throws Exception {
        List<String> texts = ParityFixture.texts();
        List<Path> images = ParityFixture.imageFiles();
        float[][] textRef = model.embedTexts(texts);
        float[][] imageRef = model.embedImageFiles(images, EmbedOptions.defaults());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Double>> futures = new ArrayList<>();
            for (int task = 0; task < 48; task++) {
                boolean textTask = task % 2 == 0;
                int batch = 1 + task % 3;
                futures.add(pool.submit(() -> textTask
                        ? maxAbsDiff(model.embedTexts(texts, EmbedOptions.defaults().withBatchSize(batch)), textRef)
                        : maxAbsDiff(model.embedImageFiles(images, EmbedOptions.defaults().withBatchSize(batch)), imageRef)));
            }
            for (Future<Double> f : futures) {
                assertThat(f.get()).isLessThan(1e-5);
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Every array a call allocates is freed when it returns: the model's manager does not grow. */
    @Test
    void embeddingCallsLeaveNoArraysBehindInTheModelsManager() {
        var managed = (ai.djl.ndarray.BaseNDManager) model.manager();
        model.embedTexts(ParityFixture.texts());
        model.embedImageFiles(ParityFixture.imageFiles(), EmbedOptions.defaults());
        model.logitScale();
        int before = managed.getManagedArrays().size();
        for (int i = 0; i < 3; i++) {
            model.embedTexts(ParityFixture.texts());
            model.embedImageFiles(ParityFixture.imageFiles(), EmbedOptions.defaults());
            model.logitScale();
        }
        assertThat(managed.getManagedArrays().size()).isEqualTo(before);
    }

    @Test
    void batchSizeDoesNotChangeResults() {
        List<Path> images = ParityFixture.imageFiles();
        float[][] one = model.embedImageFiles(images, EmbedOptions.defaults().withBatchSize(1));
        float[][] all = model.embedImageFiles(images, EmbedOptions.defaults().withBatchSize(5));
        assertThat(maxAbsDiff(one, all)).isLessThan(1e-5);
    }

    @Test
    void saveThenLoadReproducesEmbeddingsWithProvenanceAndNoTempFiles() throws Exception {
        Path dir = tmp.resolve("saved");
        model.save(dir, null);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("config.json", "model.safetensors", "tokenizer.json", "preprocessor.json", "provenance.json");
        }
        JsonNode prov = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile());
        assertThat(prov.get("weights_sha256").asText()).isEqualTo(Sha256.of(dir.resolve("model.safetensors")));
        assertThat(prov.get("engine").asText()).startsWith("PyTorch");
        try (MultimodalModel copy = MultimodalModel.load(dir)) {
            assertThat(copy.layout()).isEqualTo(CheckpointLayout.OPEN_AUTOGLM);
            assertThat(maxAbsDiff(copy.embedTexts(ParityFixture.texts()), model.embedTexts(ParityFixture.texts()))).isZero();
        }
    }

    /** A model directory written by an earlier version must keep loading and keep its answers. */
    @Test
    void goldenModelDirectoryFromVersion01StillLoadsAndMatchesTheReference() {
        try (MultimodalModel golden = MultimodalModel.load(GOLDEN)) {
            assertThat(golden.layout()).isEqualTo(CheckpointLayout.OPEN_AUTOGLM);
            assertThat(golden.provenance().get("converted_from_layout").asText()).isEqualTo("HUGGING_FACE");
            float[][] images = golden.embedPixels(ParityFixture.flat("pixel_values"), 5, false);
            assertThat(maxAbsDiff(images, ParityFixture.matrix("image_embeds")))
                    .isLessThanOrEqualTo(ParityFixture.tolerance("embeds_from_reference_pixels"));
        }
    }

    @Test
    void zeroShotEnsemblesTemplatesAndScoresWithSoftmaxOfScaledCosines() {
        List<RgbImage> images = ParityFixture.imageFiles().stream().map(model.imageLoader()::load).toList();
        List<String> labels = List.of("w6", "w18", "w43");
        List<String> templates = List.of("{}", "w2 {}", "{} w9 w9");
        List<ZeroShotResult> results = model.zeroShot(images, labels, templates);

        float[][] imageEmbeds = model.embedImages(images);
        float scale = model.logitScale();
        for (int i = 0; i < images.size(); i++) {
            float[] logits = new float[labels.size()];
            for (int c = 0; c < labels.size(); c++) {
                String label = labels.get(c);
                float[][] e = model.embedTexts(templates.stream().map(t -> t.replace("{}", label)).toList());
                float[] mean = new float[e[0].length];
                for (float[] row : e) {
                    for (int k = 0; k < mean.length; k++) {
                        mean[k] += row[k];
                    }
                }
                logits[c] = scale * Vectors.dot(imageEmbeds[i], Vectors.normalize(mean));
            }
            float[] p = Vectors.softmax(logits);
            for (ZeroShotResult.LabelScore ls : results.get(i).labels()) {
                assertThat(ls.score()).isCloseTo(p[labels.indexOf(ls.label())], org.assertj.core.data.Offset.offset(1e-5f));
            }
            assertThat(results.get(i).labels().get(0).score()).isGreaterThanOrEqualTo(results.get(i).labels().get(2).score());
        }
    }

    @Test
    void zeroShotRefusesTemplatesWithoutPlaceholder() {
        assertThatThrownBy(() -> model.zeroShot(List.of(), List.of("a"), List.of("a photo")))
                .isInstanceOf(UserInputException.class).hasMessageContaining("{}");
    }

    @Test
    void longTextsAreTruncatedKeepingTheEndToken() {
        String longText = String.join(" ", java.util.Collections.nCopies(40, "w7"));
        long[] ids = model.tokenizer().encode(longText);
        assertThat(ids).hasSize(16);
        assertThat(ids[0]).isEqualTo(498);
        assertThat(ids[15]).isEqualTo(499);
        assertThat(ids[14]).isEqualTo(7);
        assertThat(model.embedTexts(List.of(longText))[0]).hasSize(32);
    }

    @Test
    void parameterCountsAddUp() {
        var counts = model.parameterCounts();
        assertThat(counts.get("total")).isEqualTo(198_657L);
        assertThat(counts.get("vision") + counts.get("text") + counts.get("projections")).isEqualTo(counts.get("total"));
    }

    @Test
    void theEmbeddingRuntimeIsWhatTextEmbeddingEndsIn() {
        EmbeddingRuntime runtime = model.runtime();
        assertThat(runtime.dimension()).isEqualTo(model.embeddingDim());
        assertThat(runtime.name()).contains("PyTorch");
        long[] ids = model.tokenizer().encodeBatch(List.of("a red circle")); // (1, T)
        float[] viaRuntime = runtime.embedTokenIds(ids, 1, model.tokenizer().contextLength(), true)[0];
        assertThat(Vectors.dot(viaRuntime, model.embedTexts(List.of("a red circle"))[0])).isCloseTo(1f, within(1e-4f));
    }
}
