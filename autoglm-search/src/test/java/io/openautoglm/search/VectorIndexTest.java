package io.openautoglm.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link VectorIndex} contract, on disk, for every implementation. */
class VectorIndexTest {
    static final int DIM = 8;

    @TempDir
    Path tmp;

    static Stream<IndexSettings> kinds() {
        return Stream.of(IndexSettings.hnsw(), IndexSettings.hnswInt8(), IndexSettings.exact());
    }

    private VectorIndex create(IndexSettings settings) {
        return IndexDirectory.create(tmp.resolve("index"), settings, Vectors.model(DIM)).open(true);
    }

    private static IndexEntry entry(String id, int axis, String label) {
        return new IndexEntry(id, Vectors.axis(DIM, axis), "/pics/" + id + ".png", "sha-" + id,
                label == null ? Map.of() : Map.of("label", label));
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(Hit::id).toList();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void upsertSearchUpdateDelete(IndexSettings settings) {
        try (VectorIndex index = create(settings)) {
            for (int i = 0; i < DIM; i++) {
                index.upsert(entry("p" + i, i, i % 2 == 0 ? "even" : "odd"));
            }
            assertThat(index.count()).isEqualTo(DIM);
            // Closest to axis 3, then to axis 2 (the query leans that way).
            float[] q = Vectors.normalize(new float[] {0, 0, 0.5f, 1, 0, 0, 0, 0});
            List<Hit> hits = index.search(q, 2, Filter.NONE);
            assertThat(ids(hits)).containsExactly("p3", "p2");
            assertThat(hits.get(0).score()).isCloseTo(1 / (float) Math.sqrt(1.25), org.assertj.core.data.Offset.offset(0.02f));
            assertThat(hits.get(0).path()).isEqualTo("/pics/p3.png");
            assertThat(hits.get(0).metadata()).containsEntry("label", "odd");

            // Update moves p3 to axis 7; delete removes p2.
            index.upsert(entry("p3", 7, "odd"));
            index.delete("p2");
            assertThat(index.count()).isEqualTo(DIM - 1);
            float[] q2 = Vectors.normalize(new float[] {0, 0, 0.5f, 1, 0.1f, 0, 0, 0});
            assertThat(ids(index.search(q2, 1, Filter.NONE))).containsExactly("p4");
            assertThat(index.vector("p3")).hasValueSatisfying(v -> assertThat(v[7]).isEqualTo(1f));
            assertThat(index.vector("p2")).isEmpty();
            assertThat(index.get("p3")).hasValueSatisfying(h -> {
                assertThat(h.path()).isEqualTo("/pics/p3.png");
                assertThat(h.metadata()).containsEntry("label", "odd");
            });
            assertThat(index.get("p2")).isEmpty();
            assertThat(index.contentHashes()).hasSize(DIM - 1).containsEntry("p0", "sha-p0");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void filtersAreAndAcrossKeysOrWithinAKey(IndexSettings settings) {
        try (VectorIndex index = create(settings)) {
            for (int i = 0; i < DIM; i++) {
                index.upsert(new IndexEntry("p" + i, Vectors.axis(DIM, i), null, null,
                        Map.of("label", "l" + (i % 3), "split", i < 4 ? "train" : "test")));
            }
            float[] q = Vectors.axis(DIM, 0);
            assertThat(ids(index.search(q, DIM, Filter.parse(List.of("label=l1")))))
                    .containsExactlyInAnyOrder("p1", "p4", "p7");
            assertThat(ids(index.search(q, DIM, Filter.parse(List.of("label=l1", "split=test")))))
                    .containsExactlyInAnyOrder("p4", "p7");
            assertThat(ids(index.search(q, DIM, Filter.parse(List.of("label=l1", "label=l2", "split=train")))))
                    .containsExactlyInAnyOrder("p1", "p2");
            assertThat(index.search(q, DIM, Filter.parse(List.of("label=none")))).isEmpty();
            assertThat(index.search(q, DIM, Filter.parse(List.of("colour=red")))).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void onlyCommittedChangesSurviveAReopen(IndexSettings settings) {
        try (VectorIndex index = create(settings)) {
            index.upsert(entry("kept", 0, null));
            index.commit();
            index.upsert(entry("lost", 1, null));
            index.delete("kept");
        } // closed without commit: both changes are dropped
        try (VectorIndex again = IndexDirectory.read(tmp.resolve("index")).open(false)) {
            assertThat(again.count()).isEqualTo(1);
            assertThat(again.contentHashes()).containsOnlyKeys("kept");
            assertThat(again.settings()).isEqualTo(settings);
            assertThat(again.model()).isEqualTo(Vectors.model(DIM));
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void refusesVectorsOfTheWrongShapeOrLength(IndexSettings settings) {
        try (VectorIndex index = create(settings)) {
            assertThatThrownBy(() -> index.upsert(IndexEntry.of("x", new float[DIM + 1], Map.of())))
                    .isInstanceOf(UserInputException.class).hasMessageContaining("has 9 dimensions; the index holds 8");
            float[] longer = Vectors.axis(DIM, 0);
            longer[0] = 2;
            assertThatThrownBy(() -> index.upsert(IndexEntry.of("x", longer, Map.of())))
                    .isInstanceOf(UserInputException.class).hasMessageContaining("unit-length");
            assertThatThrownBy(() -> index.search(new float[3], 1, Filter.NONE))
                    .isInstanceOf(UserInputException.class).hasMessageContaining("the query has 3 dimensions");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anEmptyIndexAnswersWithNothing(IndexSettings settings) {
        IndexDirectory.create(tmp.resolve("index"), settings, Vectors.model(DIM));
        try (VectorIndex index = IndexDirectory.read(tmp.resolve("index")).open(false)) {
            assertThat(index.count()).isZero();
            assertThat(index.search(Vectors.axis(DIM, 0), 5, Filter.NONE)).isEmpty();
        }
    }
}
