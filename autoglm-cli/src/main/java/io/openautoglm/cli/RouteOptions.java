package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.routing.RouteFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --student DIR --teacher DIR --route ROUTE.json | --threshold T}, for classify (serve has its own teacher: --model). */
final class RouteOptions {
    @Option(names = "--student", paramLabel = "DIR",
            description = "Route: this light model answers when its margin (top-1 minus top-2 probability) reaches the threshold.")
    Path student;

    @Option(names = "--teacher", paramLabel = "DIR", description = "With --student: the heavy model for the rest (default: --model).")
    Path teacher;

    @Option(names = "--route", paramLabel = "ROUTE.json",
            description = "With --student: the threshold from `autoglm route calibrate` (checked to be for these two models).")
    Path route;

    @Option(names = "--threshold", paramLabel = "T",
            description = "With --student: this threshold instead of a route file (0: the student answers all; above 1: the teacher).")
    Double threshold;

    boolean enabled() {
        return student != null;
    }

    /** Without --student none of the other routing options means anything: say so rather than ignore them. */
    void requireNone() {
        if (teacher != null || route != null || threshold != null) {
            throw new UserInputException((teacher != null ? "--teacher" : route != null ? "--route" : "--threshold")
                    + " needs --student DIR (the model that answers when sure)");
        }
    }

    /** The threshold: --threshold, or ROUTE.json's after checking it was calibrated for these two models. */
    double threshold(MultimodalModel studentModel, MultimodalModel teacherModel, Path teacherDir) {
        return resolve(route, threshold, student, studentModel, teacherDir, teacherModel);
    }

    static double resolve(Path route, Double threshold, Path studentDir, MultimodalModel studentModel, Path teacherDir,
            MultimodalModel teacherModel) {
        if ((route == null) == (threshold == null)) {
            throw new UserInputException("--student needs exactly one of --route ROUTE.json (from `autoglm route calibrate`)"
                    + " or --threshold T");
        }
        if (threshold != null) {
            if (!(threshold >= 0) || threshold.isInfinite()) {
                throw new UserInputException("--threshold must be a number >= 0 (above 1 sends everything to the teacher), got "
                        + threshold);
            }
            return threshold;
        }
        RouteFile file = RouteFile.read(route);
        file.requireModels(route, RouteFile.ModelRef.of(studentDir, studentModel), RouteFile.ModelRef.of(teacherDir, teacherModel));
        return file.threshold();
    }
}
