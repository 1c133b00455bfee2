package io.openautoglm.core.routing;

import java.util.Arrays;

/**
 * The threshold for a target agreement with the teacher, from a validation set: per picture the
 * student's margin and whether its top-1 label is the teacher's. With threshold t the routed answer
 * disagrees with the teacher only on pictures the student keeps (margin >= t) and gets wrong, so
 * agreement(t) = 1 - (disagreements with margin >= t) / N never falls as t grows. The smallest t
 * that reaches the target keeps the most pictures on the student; candidates are 0, every margin
 * seen (a t between two margins routes the set like the upper one), and {@link ZeroShotRouter#ALL_TO_TEACHER}.
 *
 * @param threshold    the student answers when its margin is at or above this
 * @param agreement    the routed answers' agreement with the teacher's top-1 on the set, at that threshold
 * @param studentShare the share of pictures the student answers at that threshold
 * @param studentAgreement the student alone's agreement with the teacher (every picture kept)
 */
public record RouteCalibration(double threshold, double agreement, double studentShare, double studentAgreement, int count) {

    public static RouteCalibration choose(float[] margins, boolean[] studentAgrees, double targetAgreement) {
        int n = margins.length;
        if (n == 0 || studentAgrees.length != n) {
            throw new IllegalArgumentException("calibration needs one agreement flag per margin, and at least one picture");
        }
        if (!(targetAgreement > 0 && targetAgreement <= 1)) {
            throw new IllegalArgumentException("the target agreement must be in (0, 1], got " + targetAgreement);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(margins[a], margins[b])); // ascending margin
        int disagreements = 0;
        for (boolean agrees : studentAgrees) {
            disagreements += agrees ? 0 : 1;
        }
        double studentAlone = 1 - (double) disagreements / n;
        if (studentAlone >= targetAgreement) {
            return new RouteCalibration(0, studentAlone, 1, studentAlone, n);
        }
        // Raise t past the lowest margins one group of equal margins at a time: those go to the teacher.
        int i = 0;
        while (i < n) {
            float m = margins[order[i]];
            while (i < n && margins[order[i]] == m) {
                disagreements -= studentAgrees[order[i]] ? 0 : 1;
                i++;
            }
            double agreement = 1 - (double) disagreements / n;
            if (agreement >= targetAgreement && i < n) {
                return new RouteCalibration(margins[order[i]], agreement, (double) (n - i) / n, studentAlone, n);
            }
        }
        return new RouteCalibration(ZeroShotRouter.ALL_TO_TEACHER, 1, 0, studentAlone, n);
    }
}
