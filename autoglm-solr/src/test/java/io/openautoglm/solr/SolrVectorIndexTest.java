package io.openautoglm.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.search.ExactVectorIndex;
import io.openautoglm.search.Filter;
import io.openautoglm.search.Hit;
import io.openautoglm.search.ImageIndexer;
import io.openautoglm.search.ImageSource;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SolrVectorIndex} on a real two-node SolrCloud (Solr's MiniSolrCloudCluster, embedded
 * ZooKeeper), collections of two shards: the same answers as the exact index on the same vectors,
 * with and without filters; the model recorded and another refused; incremental builds of real
 * pictures embedded with the bundled model; a node killed while a build with two replicas runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SolrVectorIndexTest {
    static final int DIM = 16;
    static final Path MODEL = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize();
    static SolrCluster solr;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startCluster() throws Exception {
        solr = SolrCluster.start(2);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (solr != null) {
            solr.close();
        }
    }

    static ModelIdentity model(String name, int dim) {
        return new ModelIdentity(name, name.repeat(64).substring(0, 64), dim, true, "/models/" + name);
    }

    static float[] unit(Random random, int dim) {
        float[] v = new float[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
            n += (double) v[i] * v[i];
        }
        for (int i = 0; i < dim; i++) {
            v[i] = (float) (v[i] / Math.sqrt(n));
        }
        return v;
    }

    static List<String> ids(List<Hit> hits) {
        return hits.stream().map(Hit::id).toList();
    }

    @Test
    @Order(1)
    void searchesAsTheExactIndexWithAndWithoutFilters() {
        ModelIdentity m = model("a", DIM);
        Random random = new Random(7);
        try (SolrVectorIndex index = SolrVectorIndex.create(SolrLocation.parse(solr.httpLocation("vectors")), IndexSettings.hnsw(), m,
                new CollectionLayout(2, 1));
                ExactVectorIndex exact = ExactVectorIndex.inMemory(m)) {
            for (int i = 0; i < 400; i++) {
                IndexEntry e = new IndexEntry("p" + i, unit(random, DIM), "/pics/p" + i + ".png", "sha-" + i,
                        Map.of("label", "l" + (i % 5), "split", i % 4 == 0 ? "test" : "train", "odd key/é", "v" + (i % 2)));
                index.upsert(e);
                exact.upsert(e);
            }
            index.commit();
            assertThat(index.shape().shards()).isEqualTo(2);
            assertThat(index.count()).isEqualTo(400);
            List<Filter> filters = List.of(Filter.NONE, new Filter(Map.of("label", Set.of("l1", "l3"), "split", Set.of("test"))),
                    new Filter(Map.of("odd key/é", Set.of("v1"))), new Filter(Map.of("label", Set.of("nothing"))));
            for (int q = 0; q < 10; q++) {
                float[] query = unit(random, DIM);
                for (Filter f : filters) {
                    List<Hit> got = index.search(query, 10, f);
                    List<Hit> want = exact.search(query, 10, f);
                    assertThat(ids(got)).as("query %d, filter %s", q, f).isEqualTo(ids(want));
                    for (int i = 0; i < got.size(); i++) {
                        assertThat(got.get(i).score()).isCloseTo(want.get(i).score(), org.assertj.core.data.Offset.offset(1e-4f));
                        assertThat(f.matches(got.get(i).metadata())).isTrue();
                    }
                }
            }
            assertThat(index.search(unit(random, DIM), 10, new Filter(Map.of("label", Set.of("nothing"))))).isEmpty();

            // Update, delete, get, stored vector, content hashes: visible before the next commit, as Lucene's are.
            float[] moved = unit(random, DIM);
            index.upsert(new IndexEntry("p3", moved, "/pics/p3-new.png", "sha-new", Map.of("label", "l9")));
            index.delete("p4");
            assertThat(index.count()).isEqualTo(399);
            assertThat(ids(index.search(moved, 1, Filter.NONE))).containsExactly("p3");
            assertThat(index.get("p3")).hasValueSatisfying(h -> {
                assertThat(h.path()).isEqualTo("/pics/p3-new.png");
                assertThat(h.metadata()).containsExactly(Map.entry("label", "l9"));
            });
            assertThat(index.vector("p3")).hasValueSatisfying(v -> assertThat(v).containsExactly(moved));
            assertThat(index.get("p4")).isEmpty();
            assertThat(index.get(SolrVectorIndex.MODEL_DOC)).isEmpty();
            Map<String, String> hashes = index.contentHashes();
            assertThat(hashes).hasSize(399).containsEntry("p3", "sha-new").containsEntry("p0", "sha-0").doesNotContainKey("p4");
            index.commit();
        }
        // Opened again to search only: the recorded model and settings come back from the collection.
        try (SolrVectorIndex again = SolrVectorIndex.open(SolrLocation.parse(solr.zkLocation("vectors")))) {
            assertThat(again.model()).isEqualTo(m);
            assertThat(again.settings()).isEqualTo(IndexSettings.hnsw());
            assertThat(again.count()).isEqualTo(399);
            assertThatThrownBy(() -> again.delete("p1")).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    @Order(2)
    void refusesAnotherModelOrDimensionAndAMissingCollection() {
        SolrLocation location = SolrLocation.parse(solr.httpLocation("refuse"));
        try (SolrVectorIndex index = SolrVectorIndex.create(location, IndexSettings.hnsw(), model("a", DIM), new CollectionLayout(2, 1))) {
            index.upsert(IndexEntry.of("x", unit(new Random(1), DIM), Map.of()));
            index.commit();
        }
        assertThatThrownBy(() -> SolrVectorIndex.create(location, IndexSettings.hnsw(), model("b", DIM), CollectionLayout.single()))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("SolrCloud collection " + location + " was built with model a")
                .hasMessageContaining("is a different model (b, 16 dims");
        assertThatThrownBy(() -> SolrVectorIndex.create(location, IndexSettings.hnsw(), model("a", 8), CollectionLayout.single()))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("is a different model (a, 8 dims");
        // The same model opens it again.
        try (SolrVectorIndex same = SolrVectorIndex.create(location, IndexSettings.hnsw(), model("a", DIM), CollectionLayout.single())) {
            assertThat(same.count()).isEqualTo(1);
        }
        assertThatThrownBy(() -> SolrVectorIndex.open(SolrLocation.parse(solr.httpLocation("missing"))))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("SolrCloud has no collection 'missing'")
                .hasMessageContaining("autoglm index build --index");
        assertThatThrownBy(() -> SolrVectorIndex.create(location, IndexSettings.hnswInt8(), model("a", DIM), CollectionLayout.single()))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("float32");
    }

    /** Coloured circles and squares on a plain background, in folders red/ and blue/. */
    static void drawPictures(Path dir, int perColour) throws Exception {
        Random random = new Random(3);
        for (String colour : List.of("red", "blue")) {
            Files.createDirectories(dir.resolve(colour));
            for (int i = 0; i < perColour; i++) {
                BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = image.createGraphics();
                g.setColor(new Color(200 + random.nextInt(56), 200 + random.nextInt(56), 200 + random.nextInt(56)));
                g.fillRect(0, 0, 64, 64);
                g.setColor(colour.equals("red") ? Color.RED : Color.BLUE);
                int size = 16 + random.nextInt(32);
                int x = random.nextInt(64 - size);
                int y = random.nextInt(64 - size);
                if (i % 2 == 0) {
                    g.fillOval(x, y, size, size);
                } else {
                    g.fillRect(x, y, size, size);
                }
                g.dispose();
                ImageIO.write(image, "png", dir.resolve(colour).resolve(i + ".png").toFile());
            }
        }
    }

    @Test
    @Order(3)
    void buildsPicturesIncrementallyWithTheBundledModel() throws Exception {
        Path pictures = tmp.resolve("pictures");
        drawPictures(pictures, 6);
        Files.writeString(pictures.resolve("red").resolve("broken.png"), "not a picture");
        try (MultimodalModel model = MultimodalModel.load(MODEL)) {
            ModelIdentity identity = ModelIdentity.of(MODEL, model);
            SolrLocation location = SolrLocation.parse(solr.httpLocation("pictures"));
            ImageIndexer.Options options = new ImageIndexer.Options(4, 5, true);
            List<ImageSource.Item> items = ImageSource.folder(pictures);
            try (SolrVectorIndex index = SolrVectorIndex.create(location, IndexSettings.hnsw(), identity, new CollectionLayout(2, 1));
                    ExactVectorIndex exact = ExactVectorIndex.inMemory(identity)) {
                ImageIndexer.Report first = new ImageIndexer(model, index, options, null, null).build(items);
                assertThat(first.added()).isEqualTo(12);
                assertThat(first.failed()).extracting(ImageIndexer.Failure::id).containsExactly("red/broken.png");
                assertThat(first.count()).isEqualTo(12);
                new ImageIndexer(model, exact, options, null, null).build(items);
                float[] query = model.embedTexts(List.of("a red circle"))[0]; // (D,)
                for (Filter f : List.of(Filter.NONE, new Filter(Map.of("folder", Set.of("blue"))))) {
                    assertThat(ids(index.search(query, 5, f))).isEqualTo(ids(exact.search(query, 5, f)));
                }
                assertThat(index.search(query, 12, new Filter(Map.of("folder", Set.of("blue")))))
                        .hasSize(6).allSatisfy(h -> assertThat(h.id()).startsWith("blue/"));
            }
            // Again, from a new client: everything unchanged is skipped; one changed picture is embedded again.
            ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", pictures.resolve("blue/0.png").toFile());
            try (SolrVectorIndex index = SolrVectorIndex.create(location, IndexSettings.hnsw(), identity, CollectionLayout.single())) {
                ImageIndexer.Report again = new ImageIndexer(model, index, options, null, null).build(items);
                assertThat(again.added()).isZero();
                assertThat(again.unchanged()).isEqualTo(11);
                assertThat(again.updated()).isEqualTo(1);
                assertThat(again.count()).isEqualTo(12);
            }
        }
    }

    @Test
    @Order(4) // last: it stops a node
    // Closing the index once waited ~2 minutes on a request held to the stopped node: the limit catches that again.
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aNodeKilledWhileAddingWithTwoReplicasLosesNothing() throws Exception {
        ModelIdentity m = model("k", DIM);
        Random random = new Random(11);
        SolrLocation location = SolrLocation.parse(solr.zkLocation("replicated"));
        try (SolrVectorIndex index = SolrVectorIndex.create(location, IndexSettings.hnsw(), m, new CollectionLayout(2, 2))) {
            assertThat(index.shape().replicas()).isEqualTo(4);
            for (int i = 0; i < 600; i++) {
                if (i == 300) {
                    solr.cluster.stopJettySolrRunner(solr.node(1)); // a replica of each shard goes, maybe their leaders
                }
                index.upsert(new IndexEntry("p" + i, unit(random, DIM), null, "sha-" + i, Map.of()));
                if (i % 100 == 99) {
                    index.commit();
                }
            }
            index.commit();
            assertThat(index.count()).isEqualTo(600);
            assertThat(index.contentHashes()).hasSize(600);
            assertThat(index.shape().liveNodes()).isEqualTo(1);
        }
    }
}
