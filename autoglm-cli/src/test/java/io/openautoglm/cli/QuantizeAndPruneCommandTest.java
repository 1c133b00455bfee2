package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.onnx.OnnxExporter;
import io.openautoglm.train.data.shapeworld.ShapeWorldConfig;
import io.openautoglm.train.data.shapeworld.ShapeWorldGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** autoglm quantize and autoglm prune end to end: real graphs, the bundled model, a ShapeWorld gate manifest. */
class QuantizeAndPruneCommandTest {
    static final Path BUNDLED = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize();
    static final List<String> MODEL_FILES = List.of("config.json", "model.safetensors", "tokenizer.json", "preprocessor.json",
            "provenance.json");

    @TempDir
    static Path shared;

    static Path manifest;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() throws Exception {
        new ShapeWorldGenerator(ShapeWorldConfig.defaults(40, 41)).generate(shared.resolve("sw"), false, line -> {});
        manifest = shared.resolve("sw/train.jsonl");
    }

    @AfterEach
    void restoreOpener() {
        QuantizeCommand.opener = MultimodalModel::load;
    }

    /** The bundled model exported to ONNX once per class, copied per test: a real fp32 folder the gate can load. */
    private Path onnxFolder() throws Exception {
        if (exported == null) {
            exported = shared.resolve("bundled-onnx");
            try (MultimodalModel m = MultimodalModel.load(BUNDLED)) {
                OnnxExporter.export(m, exported, OnnxExporter.Options.defaults().withSource(BUNDLED));
            }
        }
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        try (Stream<Path> files = Files.list(exported)) {
            for (Path f : files.toList()) {
                Files.copy(f, src.resolve(f.getFileName()));
            }
        }
        return src;
    }

    static Path exported;

    @Test
    void quantizeWritesSmallerGraphsCopiesTheRestAndRecordsTheGate() throws Exception {
        Path src = onnxFolder();
        Path dst = dir.resolve("int8");
        CliRunner r = CliRunner.run("quantize", "--model", src.toString(), "--out", dst.toString(), "--gate", manifest.toString(),
                "--label-key", "shape", "--first-caption-only", "--max-drop", "5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("image_model.onnx: ").contains("text_model.onnx: ").contains("gate passed");
        assertThat((double) Files.size(dst.resolve("image_model.onnx")) / Files.size(src.resolve("image_model.onnx"))).isLessThan(0.5);
        ModelProto q = ModelProto.parseFrom(Files.readAllBytes(dst.resolve("image_model.onnx")));
        assertThat(q.getGraph().getNodeList()).extracting(NodeProto::getOpType).contains("MatMulInteger");
        for (String f : List.of("config.json", "tokenizer.json", "preprocessor.json")) {
            assertThat(Files.readAllBytes(dst.resolve(f))).isEqualTo(Files.readAllBytes(src.resolve(f)));
        }
        JsonNode provenance = Json.MAPPER.readTree(dst.resolve("provenance.json").toFile());
        assertThat(provenance.has("source_weights_sha256")).isTrue(); // what the export recorded is kept
        JsonNode quantization = provenance.path("quantization");
        assertThat(quantization.path("files").path("image_model.onnx").path("quantized_nodes").asInt()).isPositive();
        assertThat(quantization.path("gate").path("passed").asBoolean()).isTrue();
        assertThat(quantization.path("gate").path("drop_points").has("zero_shot_top1")).isTrue();
        assertNoStagingLeft();
    }

    @Test
    void quantizeRefusesWhatTheGateFailsAndWritesNothing() throws Exception {
        Path src = onnxFolder();
        Path dst = dir.resolve("int8");
        // The int8 side is stood in for by a noised DJL copy: a quantization broken on purpose.
        QuantizeCommand.opener = d -> d.equals(src) ? MultimodalModel.load(d) : noised(MultimodalModel.load(BUNDLED));
        CliRunner r = CliRunner.run("quantize", "--model", src.toString(), "--out", dst.toString(), "--gate", manifest.toString(),
                "--label-key", "shape", "--first-caption-only");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(AutoglmCli.EXIT_USER_ERROR);
        assertThat(r.err().lines().filter(l -> l.startsWith("autoglm: error: ")).toList()).singleElement().asString()
                .contains("nothing was written");
        assertThat(dst).doesNotExist();
        assertNoStagingLeft();
    }

    @Test
    void aTruncatedGraphOrAFolderWithoutGraphsIsOneClearLine() throws Exception {
        Path src = onnxFolder();
        byte[] whole = Files.readAllBytes(src.resolve("image_model.onnx"));
        Files.write(src.resolve("image_model.onnx"), Arrays.copyOf(whole, whole.length / 3));
        CliRunner r = CliRunner.run("quantize", "--model", src.toString(), "--out", dir.resolve("a").toString());
        CliRunner.assertOneLineError(r, "image_model.onnx", "truncated");
        assertThat(dir.resolve("a")).doesNotExist();

        CliRunner none = CliRunner.run("quantize", "--model", BUNDLED.toString(), "--out", dir.resolve("b").toString());
        CliRunner.assertOneLineError(none, "no *.onnx graph");
        assertNoStagingLeft();
    }

    @Test
    void pruneWritesASmallerModelWithItsRecordAndTheGateRefusesHeavyPruning() throws Exception {
        Path light = dir.resolve("light");
        CliRunner ok = CliRunner.run("prune", "--model", BUNDLED.toString(), "--out", light.toString(), "--mlp", "0.05",
                "--gate", manifest.toString(), "--label-key", "shape", "--first-caption-only", "--max-drop", "10");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("gate passed");
        JsonNode pruning = Json.MAPPER.readTree(light.resolve("provenance.json").toFile()).path("pruning");
        assertThat(pruning.path("vision").path("intermediate_size").asText()).isEqualTo("512 -> 486");
        assertThat(pruning.path("gate").path("passed").asBoolean()).isTrue();
        try (MultimodalModel m = MultimodalModel.load(light)) {
            assertThat(m.config().text().mlpSize()).isEqualTo(486);
        }

        Path heavy = dir.resolve("heavy");
        CliRunner refused = CliRunner.run("prune", "--model", BUNDLED.toString(), "--out", heavy.toString(), "--heads", "0.75",
                "--mlp", "0.9", "--gate", manifest.toString(), "--label-key", "shape", "--first-caption-only");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(AutoglmCli.EXIT_USER_ERROR);
        assertThat(refused.out()).contains("gate failed");
        assertThat(refused.err()).contains("the pruned model loses").contains("nothing was written");
        assertThat(heavy).doesNotExist();
        assertNoStagingLeft();

        CliRunner.assertOneLineError(CliRunner.run("prune", "--model", BUNDLED.toString(), "--out", dir.resolve("x").toString(),
                "--heads", "1"), "--heads must be a fraction");
    }

    @Test
    void pruneCanFineTuneBeforeTheGate() throws Exception {
        Path tuned = dir.resolve("tuned");
        CliRunner r = CliRunner.run("prune", "--model", BUNDLED.toString(), "--out", tuned.toString(), "--mlp", "0.25",
                "--fine-tune-steps", "3", "--fine-tune-batch-size", "8", "--manifest", manifest.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("fine-tuned 3 steps");
        JsonNode ft = Json.MAPPER.readTree(tuned.resolve("provenance.json").toFile()).path("pruning").path("fine_tune");
        assertThat(ft.path("steps").asInt()).isEqualTo(3);
        try (MultimodalModel m = MultimodalModel.load(tuned)) {
            assertThat(m.config().vision().mlpSize()).isEqualTo(384);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("fine-tune"));
        }
        CliRunner.assertOneLineError(CliRunner.run("prune", "--model", BUNDLED.toString(), "--out", dir.resolve("y").toString(),
                "--fine-tune-steps", "3"), "--manifest");
    }

    private void assertNoStagingLeft() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".staging-"));
        }
    }

    private static MultimodalModel noised(MultimodalModel m) {
        TorchRuntime.seed(7);
        for (Parameter p : m.network().namedParameters().values()) {
            NDArray w = p.getArray();
            float std = w.size() > 1 ? w.sub(w.mean()).square().mean().sqrt().getFloat() : 0.1f;
            w.addi(w.getManager().randomNormal(0, Math.max(std, 1e-3f), w.getShape(), w.getDataType()));
        }
        return m;
    }
}
