package io.openautoglm.train.data.shapeworld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset on disk: deterministic, prefix-stable, readable, and never written over by accident. */
class ShapeWorldGeneratorTest {
    @TempDir
    Path tmp;

    private static ShapeWorldConfig small(int count, long seed) {
        return ShapeWorldConfig.defaults(count, seed).withSize(32);
    }

    private Path generate(String name, ShapeWorldConfig config) throws Exception {
        Path dir = tmp.resolve(name);
        new ShapeWorldGenerator(config).generate(dir, false, line -> {});
        return dir;
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }

    @Test
    void sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot() throws Exception {
        Path a = generate("a", small(30, 3));
        Path b = generate("b", small(30, 3));
        Path c = generate("c", small(30, 4));
        assertThat(files(a)).isEqualTo(files(b)).hasSize(30 + 4);
        for (Path f : files(a)) {
            assertThat(Files.readAllBytes(b.resolve(f))).as(f.toString()).isEqualTo(Files.readAllBytes(a.resolve(f)));
        }
        assertThat(Files.readAllBytes(c.resolve("images/000000.png"))).isNotEqualTo(Files.readAllBytes(a.resolve("images/000000.png")));
        assertThat(Files.readString(c.resolve("train.jsonl"))).isNotEqualTo(Files.readString(a.resolve("train.jsonl")));
    }

    /**
     * Pictures are part of the bundled model's provenance: version 2 only adds text, drawn from its
     * own stream, so seed 2's first pictures keep their version 1 bytes (hashes from version 1).
     */
    @Test
    void picturesKeepTheirVersionOneBytes() throws Exception {
        Path dir = generate("v1", ShapeWorldConfig.defaults(3, 2));
        assertThat(io.openautoglm.core.io.Sha256.of(dir.resolve("images/000000.png")))
                .isEqualTo("0df286c281b17a0c1895391a730c450130c01e794c6b0c36e7e08d85913c394a");
        assertThat(io.openautoglm.core.io.Sha256.of(dir.resolve("images/000002.png")))
                .isEqualTo("68823422503b91dfba1d3da00949d863cd5eae50f8d6a7fec28c00988bc2b0cb");
    }

    @Test
    void aSmallDatasetIsAPrefixOfALargerOne() throws Exception {
        Path few = generate("few", small(8, 9));
        Path many = generate("many", small(24, 9));
        for (int i = 0; i < 8; i++) {
            String name = "images/" + ShapeWorldGenerator.imageName(i);
            assertThat(Files.readAllBytes(many.resolve(name))).isEqualTo(Files.readAllBytes(few.resolve(name)));
        }
        for (String split : ShapeWorldConfig.SPLIT_NAMES) {
            List<String> fewLines = lines(few.resolve(split + ".jsonl"));
            List<String> manyLines = lines(many.resolve(split + ".jsonl"));
            assertThat(manyLines).startsWith(fewLines.toArray(String[]::new));
        }
    }

    private static List<String> lines(Path p) throws Exception {
        return Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void manifestsReadBackWithImagesThatExistAndProvenance() throws Exception {
        Path dir = generate("m", small(40, 1));
        int total = 0;
        for (String split : ShapeWorldConfig.SPLIT_NAMES) {
            Path file = dir.resolve(split + ".jsonl");
            if (Files.size(file) == 0) {
                continue; // a split can be empty at 40 images; Manifest.read refuses empty files
            }
            Manifest m = Manifest.read(file);
            for (ManifestRecord r : m.records()) {
                assertThat(r.image()).exists().startsWith(dir.toAbsolutePath().resolve("images"));
                assertThat(r.get("image")).startsWith("images/");
                assertThat(r.get("split")).isEqualTo(split);
                assertThat(r.caption()).isNotBlank();
                assertThat(r.fields().get("scene").get("objects")).hasSize(Integer.parseInt(r.get("num_objects")));
                assertThat(r.fields().get("qa").isArray()).isTrue();
                assertThat(r.fields().get("hard_negatives").isArray()).isTrue();
                List<String> shapes = new ArrayList<>();
                List<String> colors = new ArrayList<>();
                r.fields().get("scene").get("objects").forEach(o -> {
                    shapes.add(o.get("shape").asText());
                    colors.add(o.get("color").asText());
                });
                List<String> tags = new ArrayList<>();
                r.fields().get("tags").forEach(t -> tags.add(t.asText()));
                assertThat(tags).doesNotHaveDuplicates().hasSize((int) (shapes.stream().distinct().count() + colors.stream().distinct().count()))
                        .containsAll(shapes).containsAll(colors);
            }
            total += m.size();
        }
        assertThat(total).isEqualTo(40);
        var prov = new ObjectMapper().readTree(dir.resolve(ShapeWorldGenerator.PROVENANCE_FILE).toFile());
        assertThat(prov.get("generator").asText()).isEqualTo(ShapeWorld.VERSION);
        assertThat(prov.get("config").get("seed").asLong()).isEqualTo(1);
        assertThat(prov.get("counts").get("total").asInt()).isEqualTo(40);
        assertThat(prov.get("vocabulary")).hasSize(ShapeWorld.vocabulary().size());
    }

    @Test
    void refusesANonEmptyFolderUnlessOverwriting() throws Exception {
        Path dir = generate("o", small(12, 2));
        assertThatThrownBy(() -> new ShapeWorldGenerator(small(5, 2)).generate(dir, false, l -> {}))
                .isInstanceOf(UserInputException.class).hasMessageContaining("not empty").hasMessageContaining("--overwrite");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        new ShapeWorldGenerator(small(5, 2)).generate(dir, true, l -> {});
        // Stale images from the larger run are gone; files we did not write are kept.
        assertThat(dir.resolve("images/000011.png")).doesNotExist();
        assertThat(dir.resolve("images/000004.png")).exists();
        assertThat(dir.resolve("notes.txt")).hasContent("mine");
    }

    @Test
    void badConfigsAreOneClearUserError() {
        assertThatThrownBy(() -> ShapeWorldConfig.defaults(0, 0)).isInstanceOf(UserInputException.class).hasMessageContaining("--count");
        assertThatThrownBy(() -> new ShapeWorldConfig(64, 10, 0, List.of(0.8, 0.1, 0.2), 0.3, 4, true, 6, true))
                .isInstanceOf(UserInputException.class).hasMessageContaining("sum to 1");
        assertThatThrownBy(() -> ShapeWorldConfig.parseSplits("0.8,0.2")).isInstanceOf(UserInputException.class).hasMessageContaining("three");
        assertThatThrownBy(() -> ShapeWorldConfig.parseSplits("a,b,c")).isInstanceOf(UserInputException.class).hasMessageContaining("numbers");
        assertThatThrownBy(() -> ShapeWorldConfig.defaults(10, 0).withSize(16)).isInstanceOf(UserInputException.class).hasMessageContaining("--size");
        assertThatThrownBy(() -> new ShapeWorldConfig(64, 10, 0, ShapeWorldConfig.DEFAULT_SPLITS, 0.3, 5, true, 6, true))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--max-objects");
    }
}
