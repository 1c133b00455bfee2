package io.openautoglm.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.Provenance;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.checkpoint.SafetensorsWriter;
import io.openautoglm.core.io.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void headerRecordsSettingsModelAndProvenance() throws Exception {
        IndexDirectory.create(tmp.resolve("i"), IndexSettings.hnswInt8(), Vectors.model(4));
        IndexDirectory read = IndexDirectory.read(tmp.resolve("i"));
        assertThat(read.settings()).isEqualTo(IndexSettings.hnswInt8());
        assertThat(read.model()).isEqualTo(Vectors.model(4));
        assertThat(read.header().get("lucene_version").asText()).startsWith("9.12");
        assertThat(read.header().get("created_at").asText()).isNotBlank();
        assertThat(Files.readString(tmp.resolve("i/index.json"))).contains("\"weights_sha256\"");
    }

    @Test
    void theHeadersBuildStampIsTheTypedProvenanceWithTheEngine() {
        IndexDirectory.create(tmp.resolve("i"), IndexSettings.hnswInt8(), Vectors.model(4));
        Provenance p = IndexDirectory.read(tmp.resolve("i")).provenance();
        assertThat(p.autoglmVersion()).isEqualTo(MultimodalModel.VERSION);
        assertThat(p.engine()).startsWith("PyTorch");
        assertThat(p.djlVersion()).isNotBlank();
        assertThat(p.javaVersion()).isEqualTo(System.getProperty("java.version"));
        assertThat(p.details().get("lucene_version").asText()).startsWith("9.12");
    }

    @Test
    void aHeaderWrittenBeforeTheProvenanceRecordStillReads() throws Exception {
        Files.createDirectories(tmp.resolve("old"));
        // index.json as autoglm 0.1 wrote it: no djl_version, no engine.
        Files.writeString(tmp.resolve("old/index.json"), """
                {"format": "open-autoglm-index", "settings": %s, "model": %s,
                 "created_at": "2026-11-30T10:00:00Z", "autoglm_version": "0.1.0-SNAPSHOT",
                 "lucene_version": "9.12.1", "java_version": "17.0.15"}
                """.formatted(IndexSettings.hnswInt8().toJson(), Vectors.model(4).toJson()));
        IndexDirectory read = IndexDirectory.read(tmp.resolve("old"));
        assertThat(read.createdAt()).isEqualTo("2026-11-30T10:00:00Z");
        Provenance p = read.provenance();
        assertThat(p.autoglmVersion()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(p.savedAt()).isEqualTo("2026-11-30T10:00:00Z");
        assertThat(p.engine()).isNull();
        assertThat(p.details().get("lucene_version").asText()).isEqualTo("9.12.1");
    }

    @Test
    void anotherModelIsRefusedWithBothNamed() {
        ModelIdentity ours = Vectors.model(4);
        ModelIdentity other = new ModelIdentity("other-model", "b".repeat(64), 4, true, "/models/other");
        assertThatThrownBy(() -> ours.requireSameModel(other, "index /idx"))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("index /idx was built with model test-model")
                .hasMessageContaining("other-model")
                .hasMessageContaining("different model");
        // Same weights under another name and folder: the same model.
        ours.requireSameModel(new ModelIdentity("copy", "a".repeat(64), 4, true, "/elsewhere"), "index");
    }

    @Test
    void theSameTensorsWrittenAgainAreTheSameModelOtherTensorsAreNot() throws Exception {
        float[] w = {0.5f, -1.25f, 3f, 0f, 7.5f, -2f};
        float[] b = {1f, 2f};
        Path original = tmp.resolve("original.safetensors");
        Path rewritten = tmp.resolve("rewritten.safetensors");
        Path changed = tmp.resolve("changed.safetensors");
        SafetensorsWriter.write(original, Map.of("w", new SafetensorsWriter.Tensor(new long[] {2, 3}, w),
                "b", new SafetensorsWriter.Tensor(new long[] {2}, b)), Map.of("format", "pt"));
        // Other metadata: other bytes, same tensors (what a copy written by `autoglm convert` can look like).
        SafetensorsWriter.write(rewritten, Map.of("w", new SafetensorsWriter.Tensor(new long[] {2, 3}, w.clone()),
                "b", new SafetensorsWriter.Tensor(new long[] {2}, b.clone())), Map.of("format", "pt", "producer", "a copy"));
        float[] w2 = w.clone();
        w2[4] = 7.25f;
        SafetensorsWriter.write(changed, Map.of("w", new SafetensorsWriter.Tensor(new long[] {2, 3}, w2),
                "b", new SafetensorsWriter.Tensor(new long[] {2}, b)), Map.of("format", "pt"));

        WeightsFingerprint a = WeightsFingerprint.of(original);
        WeightsFingerprint a2 = WeightsFingerprint.of(rewritten);
        WeightsFingerprint c = WeightsFingerprint.of(changed);
        assertThat(a.fileSha256()).isEqualTo(Sha256.of(original)).isNotEqualTo(a2.fileSha256());
        assertThat(a.tensorsSha256()).hasSize(64).isEqualTo(a2.tensorsSha256()).isNotEqualTo(c.tensorsSha256());

        ModelIdentity index = identity("m", a, "/models/m");
        index.requireSameModel(identity("copy", a2, "/elsewhere/copy"), "index /idx");
        assertThatThrownBy(() -> index.requireSameModel(identity("changed", c, "/models/changed"), "index /idx"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("different model");
        // An index made before tensors were fingerprinted knows only the file: a rewritten copy is another model there.
        ModelIdentity old = new ModelIdentity("m", a.fileSha256(), 4, true, "/models/m");
        assertThat(old.sameModelAs(identity("m", a, "/models/m"))).isTrue();
        assertThat(old.sameModelAs(identity("copy", a2, "/elsewhere/copy"))).isFalse();
        assertThat(ModelIdentity.fromJson(index.toJson())).isEqualTo(index);
        assertThat(ModelIdentity.fromJson(old.toJson())).isEqualTo(old);
    }

    private static ModelIdentity identity(String name, WeightsFingerprint f, String path) {
        return new ModelIdentity(name, f.fileSha256(), 4, true, path, f.tensorsSha256());
    }

    @Test
    void refusesFoldersThatAreNotIndexes() throws Exception {
        assertThatThrownBy(() -> IndexDirectory.read(tmp.resolve("missing")))
                .isInstanceOf(UserInputException.class).hasMessageContaining("does not exist");
        Files.writeString(tmp.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> IndexDirectory.read(tmp))
                .isInstanceOf(UserInputException.class).hasMessageContaining("is not an autoglm index");
        assertThatThrownBy(() -> IndexDirectory.create(tmp, IndexSettings.hnsw(), Vectors.model(4)))
                .isInstanceOf(UserInputException.class).hasMessageContaining("is not empty");
    }

    @Test
    void aBuildingIndexCanBeSearchedFromAReadOnlyHandle() {
        IndexDirectory dir = IndexDirectory.create(tmp.resolve("i"), IndexSettings.hnsw(), Vectors.model(4));
        try (VectorIndex writer = dir.open(true)) {
            writer.upsert(IndexEntry.of("a", Vectors.axis(4, 0), Map.of()));
            writer.commit();
            try (VectorIndex reader = dir.open(false)) {
                assertThat(reader.count()).isEqualTo(1);
            }
            assertThatThrownBy(() -> dir.open(true)).isInstanceOf(UserInputException.class)
                    .hasMessageContaining("being written by another process");
        }
    }
}
