package io.openautoglm.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BLEU, ROUGE-L and CIDEr-D on cases small enough to work out by hand (the arithmetic is in each comment). */
class CaptionMetricsMathTest {
    private static List<String> t(String s) {
        return s.isEmpty() ? List.of() : Arrays.asList(s.split(" "));
    }

    private static ScoredImage image(String id, String candidate, String... references) {
        return new ScoredImage(id, t(candidate), Arrays.stream(references).map(CaptionMetricsMathTest::t).toList());
    }

    @Test
    void bleuCountsClippedNGramsAgainstTheBestReference() {
        // candidate "a b c d" (4 words), references "a b c e" and "a b".
        // 1-grams: a b c match, d not -> 3/4.  2-grams: ab bc match, cd not -> 2/3.
        // 3-grams: abc matches, bcd not -> 1/2.  4-gram abcd does not -> (0 + 1e-15)/(1 + 1e-9).
        // BLEU-1 = 0.75; BLEU-2 = sqrt(3/4 * 2/3) = sqrt(0.5); BLEU-3 = (3/4 * 2/3 * 1/2)^(1/3) = 0.25^(1/3);
        // BLEU-4 = (0.25 * 1e-15)^(1/4) = 1.2574e-4. Closest reference length 4 = candidate length:
        // the ratio is (4 + 1e-15)/(4 + 1e-9), a hair under 1, so the penalty is exp(-2.5e-10), invisible here.
        double[] b = Bleu.corpus(List.of(image("1", "a b c d", "a b c e", "a b")));
        assertThat(b[0]).isCloseTo(0.75, within(1e-9));
        assertThat(b[1]).isCloseTo(Math.sqrt(0.5), within(1e-9));
        assertThat(b[2]).isCloseTo(0.6299605249474366, within(1e-9));
        assertThat(b[3]).isCloseTo(1.2574334296829354e-4, within(1e-9));
    }

    @Test
    void bleuClipsRepeatedWordsToTheReferenceCount() {
        // "the the the" against "the cat": "the" counts at most once -> BLEU-1 precision 1/3.
        // Closest reference length 2 < 3: no brevity penalty.
        assertThat(Bleu.corpus(List.of(image("1", "the the the", "the cat")))[0]).isCloseTo(1.0 / 3, within(1e-9));
    }

    @Test
    void bleuBrevityPenaltyUsesTheClosestReferenceLength() {
        // "a b" against "a b c d": every n-gram matches (precision 1), but 2 words against 4:
        // BP = exp(1 - 4/2) = exp(-1) for every order that has n-grams (BLEU-1, BLEU-2).
        double[] b = Bleu.corpus(List.of(image("1", "a b", "a b c d")));
        assertThat(b[0]).isCloseTo(Math.exp(-1), within(1e-9));
        assertThat(b[1]).isCloseTo(Math.exp(-1), within(1e-9));
        // Equally near references (2 and 4 words for a 3-word candidate): the shorter one counts.
        assertThat(Bleu.closestReferenceLength(List.of(t("a b c d"), t("a b")), 3)).isEqualTo(2);
        assertThat(Bleu.closestReferenceLength(List.of(t("a b"), t("a b c d")), 3)).isEqualTo(2);
        assertThat(Bleu.closestReferenceLength(List.of(t("a"), t("a b c d e")), 4)).isEqualTo(5);
    }

    @Test
    void bleuIsACorpusStatisticNotAMeanOfImages() {
        // Image 1 "a b" vs "a b": 2/2 unigrams; image 2 "c" vs "d": 0/1. Corpus BLEU-1 = 2/3,
        // while the mean of per-image precisions would be (1 + 0)/2 = 0.5. Lengths 3 = 3: no penalty.
        double[] b = Bleu.corpus(List.of(image("1", "a b", "a b"), image("2", "c", "d")));
        assertThat(b[0]).isCloseTo(2.0 / 3, within(1e-9));
    }

    @Test
    void bleuOfEmptyCandidatesIsZeroNotNaN() {
        // No candidate words: (0 + 1e-15)/(0 + 1e-9) = 1e-6 per order, then a brevity penalty of
        // exp(1 - (2 + 1e-9)/1e-15), which underflows to 0.
        double[] b = Bleu.corpus(List.of(image("1", "", "a b")));
        assertThat(b).containsOnly(0.0);
    }

    @Test
    void rougeLTakesTheBestPrecisionAndTheBestRecallSeparately() {
        // candidate "a b c d e" (5), reference 1 "a c e f" (4): LCS "a c e" = 3, P = 3/5, R = 3/4;
        // F = (1 + 1.2^2) P R / (R + 1.2^2 P) = 2.44 * 0.45 / (0.75 + 0.864) = 1.098 / 1.614 = 0.680297.
        assertThat(RougeL.image(image("1", "a b c d e", "a c e f"))).isCloseTo(0.6802973977695167, within(1e-12));
        // Adding reference 2 "a b" (LCS 2, P = 0.4, R = 1.0): best P = 0.6 (ref 1), best R = 1.0 (ref 2):
        // F = 2.44 * 0.6 / (1.0 + 1.44 * 0.6) = 1.464 / 1.864 = 0.785408.
        assertThat(RougeL.image(image("1", "a b c d e", "a c e f", "a b"))).isCloseTo(0.7854077253218884, within(1e-12));
        assertThat(RougeL.lcsLength(t("a b c d e"), t("e d c b a"))).isEqualTo(1);
    }

    @Test
    void rougeLOfAnEmptyCandidateIsZeroAndItsCorpusMeanAveragesImages() {
        // Images: identical (1.0) and disjoint (0.0), and an empty candidate (0.0): mean 1/3.
        List<ScoredImage> images = List.of(image("1", "a b", "a b"), image("2", "c", "d"), image("3", "", "a"));
        assertThat(RougeL.corpus(images)).isCloseTo(1.0 / 3, within(1e-12));
        // The toolkit splits "" into one empty token, so an empty candidate matches an empty reference.
        assertThat(RougeL.image(image("4", "", ""))).isEqualTo(1.0);
    }

    @Test
    void ciderDOfExactMatchesIsFiveWhenOnlyUnigramsAndBigramsExist() {
        // Two images, "a b" vs "a b" and "c d" vs "c d". N = 2; every n-gram is in one image's references,
        // so idf = ln 2 - ln 1 = ln 2 for all. Per image: unigram and bigram cosines are 1; 3- and 4-grams
        // have zero vectors (left unnormalized: 0). Length difference 0: no penalty.
        // (1 + 1 + 0 + 0)/4 / 1 reference * 10 = 5.0 per image, 5.0 for the corpus.
        assertThat(CiderD.corpus(List.of(image("1", "a b", "a b"), image("2", "c d", "c d")))).isCloseTo(5.0, within(1e-12));
    }

    @Test
    void ciderDPenalizesLengthAndIgnoresUnseenNGrams() {
        // Image 1: candidate "a b x", reference "a b"; image 2: "c d" vs "c d" (5.0, as above). L = ln 2.
        // Candidate weights: a, b, x = L each (x is in no reference: df = max(1, 0) = 1, idf = ln 2 - 0);
        // "a b", "b x" = L; "a b x" = L. Reference: a, b = L; "a b" = L.
        // n=1: (L*L + L*L + min(L, 0)*0) / (sqrt3 L * sqrt2 L) = 2/sqrt6 = 0.816497
        // n=2: (L*L + 0) / (sqrt2 L * L) = 1/sqrt2 = 0.707107
        // n=3: the reference has no trigram (norm 0): 0. n=4: 0.
        // Length = bigram count: 2 vs 1, delta 1, penalty e^(-1/72) = 0.986207 on each order.
        // Image 1 = (0.816497 + 0.707107) * 0.986207 / 4 * 10 = 3.756471; corpus = (3.756471 + 5)/2 = 4.378236.
        double cider = CiderD.corpus(List.of(image("1", "a b x", "a b"), image("2", "c d", "c d")));
        assertThat(cider).isCloseTo(4.378235598515069, within(1e-12));
    }

    @Test
    void ciderDClipsTheCandidateToTheReference() {
        // Image 1 "a a" vs "a b"; image 2 "c" vs "c" (unigram cosine 1: 2.5). L = ln 2.
        // Image 1, n=1: candidate a = 2L, reference a = L, b = L. Clipped: min(2L, L) * L = L^2, over
        // norms 2L * sqrt2 L -> 1/(2 sqrt2) = 0.353553 (0.707107 without clipping).
        // n=2: candidate "a a" not in the reference: 0. Bigram counts 1 vs 1: no penalty.
        // Image 1 = 0.353553 / 4 * 10 = 0.883883; image 2 = 1/4 * 10 = 2.5; corpus = 1.691942.
        double cider = CiderD.corpus(List.of(image("1", "a a", "a b"), image("2", "c", "c")));
        assertThat(cider).isCloseTo((10 / (2 * Math.sqrt(2)) / 4 + 2.5) / 2, within(1e-12));
    }

    @Test
    void ciderDOfASingleImageIsZeroBecauseEveryIdfIsZero() {
        // N = 1: idf = ln 1 - ln 1 = 0 for every reference n-gram, and ln 1 - 0 = 0 for the others.
        assertThat(CiderD.corpus(List.of(image("1", "a b c", "a b c")))).isEqualTo(0.0);
    }

    @Test
    void ciderDAveragesOverReferences() {
        // Image 1 "a b" with references "a b" and "c d"; image 2 "e" vs "e".
        // df: a, b, ab, c, d, cd = 1 (image 1), e = 1 (image 2); N = 2, idf ln 2 everywhere.
        // vs "a b": unigram and bigram cosine 1 -> (1 + 1)/4 = 0.5; vs "c d": 0. Mean over the two
        // references = 0.25, times 10 = 2.5. Image 2: unigram cosine 1 -> 2.5. Corpus 2.5.
        double cider = CiderD.corpus(List.of(image("1", "a b", "a b", "c d"), image("2", "e", "e")));
        assertThat(cider).isCloseTo(2.5, within(1e-12));
    }

    @Test
    void numpyMeanGroupsTheSumAsNumpyDoes() {
        // NumPy's pairwise sum: under 8 values left to right; up to 128, eight running sums r[j] over
        // a[j], a[j+8], ... combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the leftover tail;
        // above 128, the first n/2 rounded down to a multiple of 8, plus the rest.
        java.util.Random random = new java.util.Random(7);
        double[] a = new double[20];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextDouble() * Math.pow(10, random.nextInt(12));
        }
        double[] r = new double[8];
        for (int j = 0; j < 8; j++) {
            r[j] = a[j] + a[j + 8];
        }
        double expected = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        expected += a[16];
        expected += a[17];
        expected += a[18];
        expected += a[19];
        assertThat(NumpyMean.pairwiseSum(a, 0, 20)).isEqualTo(expected);
        double[] big = new double[300];
        for (int i = 0; i < big.length; i++) {
            big[i] = random.nextDouble() * Math.pow(10, random.nextInt(12));
        }
        assertThat(NumpyMean.pairwiseSum(big, 0, 300))
                .isEqualTo(NumpyMean.pairwiseSum(big, 0, 144) + NumpyMean.pairwiseSum(big, 144, 156));
        assertThat(NumpyMean.mean(new double[] {1, 2, 3})).isEqualTo(2.0);
    }
}
