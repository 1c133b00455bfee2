package io.openautoglm.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Both revisions of the official VQA evaluation on the committed hand-picked cases
 * (tools/metrics-reference/vqa-cases: digits vs number words, articles, punctuation, case,
 * whitespace), whose expected scores the official vqaEval.py itself produced.
 */
class VqaProtocolReferenceTest {
    private static final Path CASES = Path.of("..", "tools", "metrics-reference", "vqa-cases");

    private static Map<String, Double> expectedPerCase(String version) throws IOException {
        JsonNode expected = new ObjectMapper().readTree(Files.readString(CASES.resolve("expected-" + version + ".json")));
        Map<String, Double> out = new LinkedHashMap<>();
        expected.get("perQuestionType").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        out.put("overall", expected.get("overall").asDouble());
        return out;
    }

    private static Map<String, Double> oursPerCase(VqaProtocol protocol) {
        VqaMetrics m = VqaEvaluation.evaluate(CASES.resolve("annotations.json"), CASES.resolve("results.json"), protocol);
        Map<String, Double> out = new LinkedHashMap<>(m.perQuestionType());
        out.put("overall", m.overall());
        return out;
    }

    @Test
    void current2021RevisionMatchesTheOfficialCodeCaseByCase() throws IOException {
        assertThat(oursPerCase(VqaProtocol.V2021)).containsExactlyEntriesOf(expectedPerCase("2021"));
    }

    @Test
    void old2017RevisionMatchesTheOfficialCodeCaseByCase() throws IOException {
        assertThat(oursPerCase(VqaProtocol.V2017)).containsExactlyEntriesOf(expectedPerCase("2017"));
    }

    @Test
    void defaultIsTheCurrentRevision() {
        VqaMetrics byDefault = VqaEvaluation.evaluate(CASES.resolve("annotations.json"), CASES.resolve("results.json"));
        assertThat(byDefault.overall()).isEqualTo(oursPerCase(VqaProtocol.V2021).get("overall"));
        assertThat(VqaProtocol.current()).isEqualTo(VqaProtocol.V2021);
    }

    @Test
    void optionValuesParse() {
        assertThat(VqaProtocol.parse("2017")).isEqualTo(VqaProtocol.V2017);
        assertThat(VqaProtocol.parse("2021")).isEqualTo(VqaProtocol.V2021);
        assertThat(VqaProtocol.parse("Current")).isEqualTo(VqaProtocol.V2021);
        assertThatThrownBy(() -> VqaProtocol.parse("2019")).isInstanceOf(UserInputException.class)
                .hasMessage("--vqa-eval must be 2017, 2021 or current, got '2019'");
    }
}
