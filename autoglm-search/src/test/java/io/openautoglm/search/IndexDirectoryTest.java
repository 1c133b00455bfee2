package io.openautoglm.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
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
