package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval retrieval} with captions longer than the tiny model's 16-token context. */
class EvalRetrievalLongCaptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Five pictures, each caption {@code words} words from its own range of the vocabulary. */
    private Path manifest(String name, int words) throws Exception {
        String img = EvalCommandTest.IMAGES.toString().replace("\\", "/");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < EvalCommandTest.PICS.length; i++) {
            int base = 1 + i * 60;
            String caption = IntStream.range(0, words).mapToObj(k -> "w" + (base + k)).collect(Collectors.joining(" "));
            lines.add("{\"image\": \"" + img + "/" + EvalCommandTest.PICS[i] + "\", \"caption\": \"" + caption + "\"}");
        }
        return Files.write(tmp.resolve(name), lines);
    }

    private static JsonNode t2i(String... args) throws Exception {
        CliRunner r = CliRunner.run(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out()).get("text_to_image");
    }

    @Test
    void truncateScoresTheCaptionsCutToTheContextAndWindowsReadThemWhole() throws Exception {
        String model = CliFixture.HF.toString();
        Path longCaptions = manifest("long.jsonl", 45);
        Path cutByHand = manifest("cut.jsonl", 14); // the 14 words a 16-token context keeps
        JsonNode truncated = t2i("eval", "retrieval", "--model", model, "--manifest", longCaptions.toString(), "--truncate",
                "--format", "json");
        JsonNode cut = t2i("eval", "retrieval", "--model", model, "--manifest", cutByHand.toString(), "--format", "json");
        assertThat(truncated).isEqualTo(cut);
        JsonNode windows = t2i("eval", "retrieval", "--model", model, "--manifest", longCaptions.toString(), "--format", "json");
        assertThat(windows.get("MRR").asDouble()).isNotEqualTo(cut.get("MRR").asDouble());
    }

    @Test
    void captionsPastTheWindowLimitAreOneClearLine() throws Exception {
        CliRunner r = CliRunner.run("eval", "retrieval", "--model", CliFixture.HF.toString(), "--manifest",
                manifest("long.jsonl", 45).toString(), "--max-windows", "2");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err().strip()).doesNotContain("\n").contains("windows").contains("--truncate");
    }
}
