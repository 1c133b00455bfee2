package io.openautoglm.core.model.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Greedy and beam search on a hand-made next-token table over the vocabulary
 * {0 pad, 1 bos, 2 eos, 3 "a", 4 "b", 5 "c"}.
 */
class CaptionSearchTest {
    private static final int PAD = 0;
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int V = 6;

    /**
     * After the start token: "a" 0.5, "b" 0.4. After "a": eos 0.3, "c" 0.35, "b" 0.35 (a flat
     * continuation). After "b": eos 0.9. After anything longer: eos 0.9. Greedy takes "a" (0.5) and
     * ends with "a c ..." (0.5 * 0.35 * 0.9 = 0.158) while "b eos" has 0.4 * 0.9 = 0.36: only beam
     * search finds it.
     */
    private static final Function<long[][], float[]> TABLE = prefixes -> {
        float[] out = new float[prefixes.length * V];
        for (int i = 0; i < prefixes.length; i++) {
            long[] p = prefixes[i];
            float[] probs = new float[V];
            if (p.length == 1) {
                probs[3] = 0.5f;
                probs[4] = 0.4f;
                probs[EOS] = 0.05f;
                probs[PAD] = 0.05f;
            } else if (p.length == 2 && p[1] == 3) {
                probs[EOS] = 0.3f;
                probs[5] = 0.35f;
                probs[4] = 0.35f;
            } else {
                probs[EOS] = 0.9f;
                probs[5] = 0.1f;
            }
            for (int v = 0; v < V; v++) {
                out[i * V + v] = (float) Math.log(Math.max(probs[v], 1e-12f));
            }
        }
        return out;
    };

    private final CaptionSearch search = new CaptionSearch(BOS, EOS, V, List.of(PAD, BOS));

    @Test
    void greedyFollowsTheMostLikelyTokenAtEachStep() {
        long[] ids = search.run(new CaptionSearch.Options(1, 1.0, 10), TABLE);
        assertThat(ids[0]).isEqualTo(BOS);
        assertThat(ids[1]).isEqualTo(3); // "a"
        assertThat(ids[ids.length - 1]).isEqualTo(EOS);
    }

    @Test
    void beamSearchFindsTheMoreLikelyCaptionGreedyMisses() {
        long[] ids = search.run(new CaptionSearch.Options(3, 0.0, 10), TABLE);
        assertThat(ids).containsExactly(BOS, 4, EOS); // "b": 0.36 beats every "a ..." caption
    }

    @Test
    void bannedTokensAreNeverGeneratedAndTheLengthLimitHolds() {
        Function<long[][], float[]> padLover = prefixes -> {
            float[] out = new float[prefixes.length * V];
            Arrays.fill(out, (float) Math.log(0.01));
            for (int i = 0; i < prefixes.length; i++) {
                out[i * V + PAD] = 0f; // the model wants padding forever
                out[i * V + 5] = (float) Math.log(0.5);
            }
            return out;
        };
        long[] ids = search.run(new CaptionSearch.Options(2, 1.0, 4), padLover);
        assertThat(ids).doesNotContain((long) PAD);
        assertThat(ids.length - 1).isLessThanOrEqualTo(4);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> new CaptionSearch.Options(0, 1.0, 10)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("beam size");
        assertThatThrownBy(() -> new CaptionSearch.Options(2, -1, 10)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("length penalty");
    }
}
