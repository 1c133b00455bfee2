package io.openautoglm.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VQA v2 accuracy and answer normalization on hand-worked cases. */
class VqaEvaluationTest {
    private static List<String> answers(String a, int na, String b, int nb) {
        List<String> out = new java.util.ArrayList<>(Collections.nCopies(na, a));
        out.addAll(Collections.nCopies(nb, b));
        return out;
    }

    @Test
    void accuracyAveragesTheTenLeaveOneOutSubsets() {
        // Humans: 3 x "2", 7 x "3"; prediction "two" normalizes to "2".
        // Leaving out one of the three "2": the other nine hold 2 matches -> min(1, 2/3) = 2/3 (3 times).
        // Leaving out one of the seven "3": 3 matches -> 1 (7 times). Mean (3 * 2/3 + 7) / 10 = 0.9.
        assertThat(VqaEvaluation.accuracy("two", answers("2", 3, "3", 7))).isCloseTo(0.9, within(1e-12));
        // One human says "cat", nine "dog"; predicting "cat": leaving out the "cat" -> 0 matches -> 0;
        // leaving out a "dog" -> 1 match -> 1/3 (9 times). Mean 9 * (1/3) / 10 = 0.3.
        assertThat(VqaEvaluation.accuracy("cat", answers("cat", 1, "dog", 9))).isCloseTo(0.3, within(1e-12));
        // Four or more matches among any nine: 1 whatever is left out.
        assertThat(VqaEvaluation.accuracy("dog", answers("cat", 6, "dog", 4))).isEqualTo(1.0);
        assertThat(VqaEvaluation.accuracy("bird", answers("cat", 6, "dog", 4))).isEqualTo(0.0);
    }

    @Test
    void predictionIsNormalizedFully() {
        // "The Two." -> period dropped -> lowercase -> article "the" dropped -> "two" -> "2".
        assertThat(VqaAnswerNormalizer.normalizePrediction("  The Two.\n")).isEqualTo("2");
        assertThat(VqaAnswerNormalizer.normalizePrediction("an apple")).isEqualTo("apple");
        assertThat(VqaAnswerNormalizer.normalizePrediction("none")).isEqualTo("0");
        assertThat(VqaAnswerNormalizer.normalizePrediction("Dont")).isEqualTo("don't");
        assertThat(VqaAnswerNormalizer.normalizePrediction("yes, it is")).isEqualTo("yes it is");
        assertThat(VqaAnswerNormalizer.normalizePrediction("twenty one")).isEqualTo("twenty 1");
    }

    @Test
    void punctuationIsDeletedNextToSpacesAndOtherwiseReplacedBySpace() {
        // "," touches a space -> every "," is deleted.
        assertThat(VqaAnswerNormalizer.processPunctuation("red, white")).isEqualTo("red white");
        // No mark touches a space: "/" becomes a space.
        assertThat(VqaAnswerNormalizer.processPunctuation("black/white")).isEqualTo("black white");
        // A comma between digits anywhere switches every mark to deletion: "1,000" -> "1000", "a/b" -> "ab".
        assertThat(VqaAnswerNormalizer.processPunctuation("1,000 a/b")).isEqualTo("1000 ab");
        // Periods go unless a digit follows: "3.5" stays, the final period goes.
        assertThat(VqaAnswerNormalizer.processPunctuation("3.5 ft.")).isEqualTo("3.5 ft");
        // The apostrophe and colon are not on the official list.
        assertThat(VqaAnswerNormalizer.processPunctuation("man's 10:30")).isEqualTo("man's 10:30");
        // The official call removes at most 32 periods (re.UNICODE lands in sub's count argument).
        assertThat(VqaAnswerNormalizer.processPunctuation(".".repeat(40))).isEqualTo(".".repeat(8));
    }

    @Test
    void in2017HumanAnswersAreProcessedOnlyWhenTheyDisagree() {
        VqaProtocol old = VqaProtocol.V2017;
        // All ten humans wrote "yes." (the same string): the 2017 code leaves them as they are, so the
        // prediction "yes." (normalized to "yes") matches none of them.
        assertThat(VqaEvaluation.accuracy("yes.", Collections.nCopies(10, "yes."), old)).isEqualTo(0.0);
        // One differs: all go through the punctuation step, "yes." -> "yes", and nine match.
        assertThat(VqaEvaluation.accuracy("yes", answers("yes.", 9, "no", 1), old)).isEqualTo(1.0);
        // Humans get punctuation only, not number words: "two" never matches a prediction (which becomes "2").
        assertThat(VqaEvaluation.accuracy("two", answers("two", 9, "three", 1), old)).isEqualTo(0.0);
        // The prediction is always normalized: "two" against ten "2" scores 1.
        assertThat(VqaEvaluation.accuracy("two", Collections.nCopies(10, "2"), old)).isEqualTo(1.0);
    }

    @Test
    void since2021BothSidesAreNormalizedOnlyWhenHumansDisagree() {
        // All ten humans agree on "2": neither side is normalized, so "two" no longer matches ...
        assertThat(VqaEvaluation.accuracy("two", Collections.nCopies(10, "2"))).isEqualTo(0.0);
        // ... and "yes." matches ten "yes." as written.
        assertThat(VqaEvaluation.accuracy("yes.", Collections.nCopies(10, "yes."))).isEqualTo(1.0);
        // Humans disagree: their number words become digits too, so "two" matches nine "two".
        assertThat(VqaEvaluation.accuracy("two", answers("two", 9, "three", 1))).isEqualTo(1.0);
        // Tabs and outer spaces leave human answers before anything else: "cat\t" is "cat".
        assertThat(VqaEvaluation.accuracy("cat", answers("cat\t", 4, "dog", 6))).isEqualTo(1.0);
    }

    @Test
    void contractionTableIsComplete() {
        assertThat(VqaContractions.size()).isEqualTo(120); // the official table has 120 entries
        assertThat(VqaContractions.restore("whats")).isEqualTo("what's");
        assertThat(VqaContractions.restore("somebody'd")).isEqualTo("somebodyd");
    }

    @Test
    void percentagesRoundToTwoDecimalsLikePython() {
        // Three questions scoring 1, 0.3, 0 -> 100 * 1.3 / 3 = 43.333... -> 43.33.
        List<VqaEvaluation.Question> qs = List.of(
                new VqaEvaluation.Question("1", "what color", "other", Collections.nCopies(10, "red")),
                new VqaEvaluation.Question("2", "how many", "number", answers("3", 1, "4", 9)),
                new VqaEvaluation.Question("3", "what color", "other", Collections.nCopies(10, "blue")));
        VqaMetrics m = VqaEvaluation.score(qs, Map.of("1", "Red", "2", "three", "3", "green"), VqaProtocol.V2017);
        assertThat(m.overall()).isEqualTo(43.33);
        assertThat(m.perQuestionType()).containsExactly(Map.entry("what color", 50.0), Map.entry("how many", 30.0));
        assertThat(m.perAnswerType()).containsExactly(Map.entry("other", 50.0), Map.entry("number", 30.0));
        assertThat(m.toJson().toString())
                .isEqualTo("{\"overall\":43.33,\"perQuestionType\":{\"what color\":50.0,\"how many\":30.0},"
                        + "\"perAnswerType\":{\"other\":50.0,\"number\":30.0}}");
        // Python's round(x, 2) rounds the exact binary value half to even: 0.125 is exact -> 0.12;
        // 2.675 is really 2.67499999... -> 2.67; 66.666... -> 66.67.
        assertThat(VqaEvaluation.round2(0.125)).isEqualTo(0.12);
        assertThat(VqaEvaluation.round2(0.375)).isEqualTo(0.38);
        assertThat(VqaEvaluation.round2(2.675)).isEqualTo(2.67);
        assertThat(VqaEvaluation.round2(200.0 / 3)).isEqualTo(66.67);
    }
}
