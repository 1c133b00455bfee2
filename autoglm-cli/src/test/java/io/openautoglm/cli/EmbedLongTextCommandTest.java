package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code embed} with a text longer than the tiny model's 16-token context: windows, --truncate, the limit. */
class EmbedLongTextCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG = IntStream.rangeClosed(1, 40).mapToObj(i -> "w" + (i * 7)).collect(Collectors.joining(" "));

    @Test
    void jsonItemsSayTokensAndWindowsOrTruncated() throws Exception {
        CliRunner windows = CliRunner.run("embed", "--model", CliFixture.HF.toString(), "--text", LONG, "--text", "w6 w18",
                "--format", "json");
        assertThat(windows.exitCode()).as(windows.err()).isZero();
        JsonNode items = JSON.readTree(windows.out()).get("items");
        assertThat(items.get(0).get("tokens").asInt()).isEqualTo(42); // 40 words, start and end
        assertThat(items.get(0).get("windows").asInt()).isEqualTo(4);
        assertThat(items.get(0).has("truncated")).isFalse();
        assertThat(items.get(1).get("tokens").asInt()).isEqualTo(4);
        assertThat(items.get(1).get("windows").asInt()).isEqualTo(1);

        CliRunner cut = CliRunner.run("embed", "--model", CliFixture.HF.toString(), "--text", LONG, "--text", "w6 w18",
                "--truncate", "--format", "json");
        assertThat(cut.exitCode()).as(cut.err()).isZero();
        JsonNode cutItems = JSON.readTree(cut.out()).get("items");
        assertThat(cutItems.get(0).get("truncated").asBoolean()).isTrue();
        assertThat(cutItems.get(0).get("tokens").asInt()).isEqualTo(42);
        assertThat(cutItems.get(0).has("windows")).isFalse();
        assertThat(cutItems.get(0).get("embedding")).isNotEqualTo(items.get(0).get("embedding"));
        for (int k = 0; k < items.get(1).get("embedding").size(); k++) { // a short text: the same (batched with other rows)
            assertThat(cutItems.get(1).get("embedding").get(k).asDouble())
                    .isCloseTo(items.get(1).get("embedding").get(k).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(cutItems.get(1).has("truncated")).isFalse();
    }

    @Test
    void moreWindowsThanTheLimitIsOneLineAndANonZeroExit() throws Exception {
        CliRunner r = CliRunner.run("embed", "--model", CliFixture.HF.toString(), "--text", LONG, "--max-windows", "3");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception")
                .contains("text 0 has 42 tokens, 4 windows").contains("--max-windows").contains("--truncate");
    }

    @Test
    void helpExplainsWindowsAndTruncate() throws Exception {
        CliRunner r = CliRunner.run("embed", "--help");
        assertThat(r.out()).contains("--truncate").contains("--max-windows").contains("windows");
    }
}
