package io.openautoglm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.model.clip.TextWindows;
import io.openautoglm.core.model.clip.TokenColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Texts longer than the context (16 tokens in the tiny parity model): windows, pooling, --truncate, the limit. */
class LongTextEmbeddingTest {
    private static final String LONG = "a photo of a cat sitting on a red mat beside a blue door while a small dog sleeps "
            + "under the old wooden table near the window and the rain falls on the quiet garden outside";
    private static MultimodalModel model;

    @BeforeAll
    static void load() {
        model = MultimodalModel.load(ParityFixture.HF);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void windowsAreFullOverlapByAQuarterAndTheLastEndsWithTheText() {
        int t = 16; // 14 words per window, 3 shared, stride 11
        long[] raw = new long[2 + 40];
        raw[0] = 100;
        raw[raw.length - 1] = 101;
        for (int i = 1; i <= 40; i++) {
            raw[i] = i;
        }
        List<long[]> w = TextWindows.split(raw, t, 0);
        assertThat(TextWindows.stride(t)).isEqualTo(11);
        assertThat(w).hasSize(TextWindows.count(raw.length, t)).hasSize(4); // starts 0, 11, 22, then 26 (aligned to the end)
        for (long[] row : w) {
            assertThat(row).hasSize(t);
            assertThat(row[0]).isEqualTo(100);
            assertThat(row[t - 1]).isEqualTo(101);
        }
        assertThat(w.get(1)[1]).isEqualTo(12);
        assertThat(w.get(3)[1]).isEqualTo(27);
        assertThat(w.get(3)[t - 2]).isEqualTo(40);
        assertThat(TextWindows.split(Arrays.copyOf(raw, t), t, 0)).hasSize(1);
    }

    @Test
    void aLongTextIsTheNormalizedMeanOfItsUnitWindowEmbeddingsComputedByHand() {
        int t = model.tokenizer().contextLength();
        long[] raw = model.tokenizer().encodeFull(LONG);
        assertThat(raw.length).isGreaterThan(2 * t);
        int c = t - 2;
        int stride = c - c / 4;
        List<float[]> windows = new ArrayList<>();
        for (int from = 0; ; from += stride) {
            boolean last = from + c >= raw.length - 2;
            int start = last ? raw.length - 2 - c : from;
            long[] row = new long[t];
            row[0] = raw[0];
            System.arraycopy(raw, 1 + start, row, 1, c);
            row[t - 1] = raw[raw.length - 1];
            windows.add(model.embedTokenIds(row, 1, t, true)[0]); // (P)
            if (last) {
                break;
            }
        }
        float[] expected = new float[model.embeddingDim()];
        for (float[] w : windows) {
            for (int k = 0; k < expected.length; k++) {
                expected[k] += w[k];
            }
        }
        expected = Vectors.normalize(expected);
        TextEmbeddings got = model.embedTextsCounted(List.of(LONG, "a cat"), EmbedOptions.defaults());
        assertThat(got.windows()).containsExactly(windows.size(), 1);
        assertThat(got.tokens()[0]).isEqualTo(raw.length);
        assertThat(got.truncated()).containsExactly(false, false);
        assertThat(ParityFixture.maxAbsDiff(new float[][] {got.vectors()[0]}, new float[][] {expected})).isLessThan(1e-5);
        // Not normalized: the same direction.
        float[] raw0 = model.embedTexts(List.of(LONG), EmbedOptions.defaults().withNormalize(false))[0];
        raw0 = Vectors.normalize(raw0);
        assertThat(ParityFixture.maxAbsDiff(new float[][] {raw0}, new float[][] {expected})).isLessThan(1e-5);
    }

    @Test
    void shortTextsAreUnchangedBitForBit() {
        List<String> texts = List.of("a photo of a cat", "a", "a red square and a blue circle");
        int t = model.tokenizer().contextLength();
        long[] ids = model.tokenizer().encodeBatch(texts); // what embedTexts did before windows
        int used = TokenColumns.usedLength(ids, texts.size(), t, model.config().text().eosId());
        float[][] before = model.embedTokenIds(TokenColumns.firstColumns(ids, texts.size(), t, used), texts.size(), used, true);
        float[][] now = model.embedTexts(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(now[i]).containsExactly(before[i]);
        }
    }

    @Test
    void truncateKeepsTheFirstContextAsBeforeWhichIsTheFirstWindow() {
        int t = model.tokenizer().contextLength();
        long[] cut = model.tokenizer().encode(LONG);
        float[] old = model.embedTokenIds(cut, 1, t, true)[0];
        TextEmbeddings got = model.embedTextsCounted(List.of(LONG), EmbedOptions.defaults().withTruncate(true));
        assertThat(got.vectors()[0]).containsExactly(old);
        assertThat(got.truncated()).containsExactly(true);
        assertThat(got.windows()).containsExactly(1);
        long[] firstWindow = TextWindows.split(model.tokenizer().encodeFull(LONG), t, model.config().text().padId()).get(0);
        assertThat(firstWindow).containsExactly(cut);
        assertThat(model.embedTexts(List.of(LONG))[0]).isNotEqualTo(old);
    }

    @Test
    void moreWindowsThanTheLimitIsOneClearErrorAndATenThousandCharacterTextEmbeds() {
        assertThatThrownBy(() -> model.embedTexts(List.of("a cat", LONG), EmbedOptions.defaults().withMaxWindows(2)))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("text 1 has").hasMessageContaining("the limit is 2 windows").hasMessageContaining("--truncate");
        String huge = "the quick brown fox jumps over the lazy dog ".repeat(230).substring(0, 10_000);
        TextEmbeddings got = model.embedTextsCounted(List.of(huge, "a cat"), EmbedOptions.defaults().withMaxWindows(10_000));
        assertThat(got.windows()[0]).isGreaterThan(100);
        assertThat(Math.abs(Vectors.dot(got.vectors()[0], got.vectors()[0]) - 1)).isLessThan(1e-5f);
    }
}
