package io.openautoglm.defects.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectionSetGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static InspectionSetGenerator.Settings small(long seed) {
        return new InspectionSetGenerator.Settings(10, seed, 48, List.of("wood", "washer"), 4);
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherPictures(@TempDir Path tmp) throws Exception {
        new InspectionSetGenerator(small(3)).generate(tmp.resolve("a"), false, s -> {});
        new InspectionSetGenerator(small(3)).generate(tmp.resolve("b"), false, s -> {});
        new InspectionSetGenerator(small(4)).generate(tmp.resolve("c"), false, s -> {});
        for (String f : List.of("manifest.jsonl", "wood/train/good/0000.png", "washer/test/scratch/0008.png",
                "washer/ground_truth/scratch/0008_mask.png")) {
            assertThat(Files.readAllBytes(tmp.resolve("a").resolve(f))).as(f).isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(f)));
        }
        assertThat(Files.readAllBytes(tmp.resolve("a/wood/train/good/0000.png")))
                .isNotEqualTo(Files.readAllBytes(tmp.resolve("c/wood/train/good/0000.png")));
    }

    @Test
    void mvtecLayoutWithAMaskPerDefectAndAManifest(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("set");
        InspectionSetGenerator.Summary s = new InspectionSetGenerator(small(1)).generate(out, false, x -> {});
        assertThat(s.pictures()).isEqualTo(20);
        List<JsonNode> records = Files.readAllLines(out.resolve("manifest.jsonl")).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertThat(records).hasSize(20);
        for (JsonNode r : records) {
            String image = r.get("image").asText();
            String label = r.get("label").asText();
            String split = r.get("split").asText();
            assertThat(image).startsWith(r.get("category").asText() + "/" + split + "/" + label + "/");
            assertThat(out.resolve(image)).isRegularFile();
            if (label.equals("good")) {
                assertThat(r.has("mask")).isFalse();
            } else {
                String mask = r.get("mask").asText();
                assertThat(mask).isEqualTo(r.get("category").asText() + "/ground_truth/" + label + "/"
                        + Path.of(image).getFileName().toString().replace(".png", "_mask.png"));
                assertThat(out.resolve(mask)).isRegularFile();
                var m = javax.imageio.ImageIO.read(out.resolve(mask).toFile());
                int marked = 0;
                for (int y = 0; y < m.getHeight(); y++) {
                    for (int x = 0; x < m.getWidth(); x++) {
                        marked += m.getRaster().getSample(x, y, 0) > 0 ? 1 : 0;
                    }
                }
                assertThat(marked).as(mask + " marks its defect").isGreaterThan(0);
            }
        }
        Set<String> trainLabels = records.stream().filter(r -> r.get("split").asText().equals("train")).map(r -> r.get("label").asText())
                .collect(Collectors.toSet());
        Set<String> testLabels = records.stream().filter(r -> r.get("split").asText().equals("test")).map(r -> r.get("label").asText())
                .collect(Collectors.toSet());
        assertThat(trainLabels).contains("good").hasSizeGreaterThan(1); // good plus a few labelled defects
        assertThat(testLabels).contains("good", "scratch", "spot"); // test: goods, then the defect types in turn
        assertThat(Files.readAllLines(out.resolve("train.jsonl")).size() + Files.readAllLines(out.resolve("test.jsonl")).size()).isEqualTo(20);
    }

    @Test
    void refusesANonEmptyFolderAndATinyCount(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("keep.txt"), "x");
        assertThatThrownBy(() -> new InspectionSetGenerator(small(1)).generate(tmp, false, s -> {}))
                .isInstanceOf(UserInputException.class).hasMessageContaining("not empty");
        assertThat(tmp.resolve("keep.txt")).exists();
        assertThatThrownBy(() -> InspectionSetGenerator.Settings.of(3, 0, 128)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("--count");
    }
}
