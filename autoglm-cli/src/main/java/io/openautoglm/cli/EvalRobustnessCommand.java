package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.image.corrupt.Corruption;
import io.openautoglm.eval.RobustnessEvaluator;
import io.openautoglm.eval.RobustnessReport;
import io.openautoglm.eval.RobustnessResult;
import io.openautoglm.eval.RobustnessTask;
import io.openautoglm.eval.RobustnessTasks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "robustness", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Robustness under corruptions: the task's score on clean pictures, then on the same pictures corrupted "
                + "(ImageNet-C's definitions and five severities, plus occlusion; after decoding, before preprocessing; deterministic "
                + "by --seed and each picture's path), per corruption and severity. relative = a corruption's mean score / clean; "
                + "robustness_score = the mean of corrupted / clean over every corruption and severity. One progress line per pass "
                + "on stderr. Metrics: zero-shot top1, retrieval text_to_image_R@1, vqa overall (percent), defects image_auroc. See docs/robustness.md.")
final class EvalRobustnessCommand implements Callable<Integer> {
    private static final List<String> TASKS = List.of("zero-shot", "retrieval", "vqa", "defects");

    @Option(names = {"-m", "--model"}, paramLabel = "DIR",
            description = "Model folder (default: the bundled model, ${AUTOGLM_HOME}/" + ModelOption.BUNDLED + "; for --task vqa the "
                    + "bundled fusion model, " + FusionModelOption.BUNDLED + ").")
    Path model;

    @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "JSONL manifest, as the task's own eval command reads it.")
    Path manifest;

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "zero-shot | retrieval | vqa | defects (defects needs --detector; its score is the detector's image AUROC).")
    String task;

    @Option(names = "--detector", paramLabel = "DET",
            description = "defects: a detector folder from `autoglm defects fit`; its own model is used (--model replaces it, same weights only).")
    Path detector;

    @Option(names = "--corruptions", split = ",", paramLabel = "NAME",
            description = "Comma-separated corruptions (default: all: gaussian_noise, shot_noise, gaussian_blur, motion_blur, occlusion, "
                    + "brightness, contrast, jpeg, pixelate).")
    List<String> corruptions = new ArrayList<>();

    @Option(names = "--severities", paramLabel = "S", defaultValue = "1-5",
            description = "Severities 1-5: one (3), a range (1-5, the default) or a list (1,3,5).")
    String severities;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the corruptions' randomness (default: 0).")
    long seed;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Also write DIR/report.html with plots (score against severity per corruption), a table of scores and a grid "
                    + "of example corrupted pictures, and DIR/robustness.json; written to a temporary folder, then renamed.")
    Path report;

    @Option(names = "--label-key", paramLabel = "KEY", description = "zero-shot: the record field that holds the true class (required).")
    String labelKey;

    @Option(names = {"-l", "--labels"}, split = ",", paramLabel = "LABEL",
            description = "zero-shot: classes to choose from (default: the sorted distinct values of --label-key).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--template", paramLabel = "TEMPLATE",
            description = "zero-shot: a prompt with {} where the label goes; repeat to ensemble (default: \"a photo of a {}.\").")
    List<String> templates = new ArrayList<>();

    @Option(names = "--first-caption-only", description = "retrieval: query with each record's \"caption\" only (default: all captions).")
    boolean firstCaptionOnly;

    @Option(names = "--question-keys", paramLabel = "KEY", split = ",",
            description = "vqa: the record keys whose question lists are answered (default: qa).")
    List<String> questionKeys;

    @Option(names = "--limit", paramLabel = "N", description = "vqa: answer at most N questions (default: all).")
    Integer limit;

    @Mixin
    VqaEvalOption vqaEval;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!TASKS.contains(task)) {
            throw new UserInputException("unknown --task '" + task + "'; valid tasks: zero-shot, retrieval, vqa, defects");
        }
        checkTaskOptions();
        List<Corruption> chosen = corruptions.isEmpty() ? Arrays.asList(Corruption.values()) : Corruption.parseAll(corruptions);
        List<Integer> levels = Corruption.parseSeverities(severities);
        if (report != null) {
            RobustnessReport.checkReplaceable(report); // before the long run, not after it
        }
        Manifest data = Manifest.read(manifest);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (task.equals("defects")) {
            return defects(chosen, levels, data, out, err);
        }
        Path dir = ModelOption.resolve(model, task.equals("vqa") ? FusionModelOption.BUNDLED : ModelOption.BUNDLED);
        try (MultimodalModel m = MultimodalModel.load(dir)) {
            RobustnessTask t = switch (task) {
                case "zero-shot" -> RobustnessTasks.zeroShot(m, data, labelKey, cleanLabels(), templates, null);
                case "retrieval" -> RobustnessTasks.retrieval(m, data, firstCaptionOnly, null);
                default -> RobustnessTasks.vqa(m, data, limit == null ? 0 : limit, questionKeys == null ? List.of("qa") : questionKeys,
                        vqaEval.protocol(), null);
            };
            RobustnessResult r = new RobustnessEvaluator(err).evaluate(t, chosen, levels, seed);
            if (report != null) {
                RobustnessReport.write(r, data, t.pictures(), m.name(), report);
            }
            if (format.json()) {
                out.println(Json.compact(r.toJson()));
            } else {
                printTable(out, r, levels, m.name());
            }
        }
        out.flush();
        return 0;
    }

    /** --task defects: the detector brings its own model. */
    private int defects(List<Corruption> chosen, List<Integer> levels, Manifest data, PrintWriter out, PrintWriter err) throws IOException {
        try (io.openautoglm.defects.Detector d = io.openautoglm.defects.DetectorFiles.load(detector, model)) {
            RobustnessTask t = new DefectsRobustnessTask(d, manifest, data);
            RobustnessResult r = new RobustnessEvaluator(err).evaluate(t, chosen, levels, seed);
            if (report != null) {
                RobustnessReport.write(r, data, t.pictures(), d.model().name(), report);
            }
            if (format.json()) {
                out.println(Json.compact(r.toJson()));
            } else {
                printTable(out, r, levels, d.model().name());
            }
        }
        out.flush();
        return 0;
    }

    /** Options of another task are a mistake worth one line, not something to ignore silently. */
    private void checkTaskOptions() {
        boolean zeroShot = task.equals("zero-shot");
        boolean vqa = task.equals("vqa");
        if (task.equals("defects") && detector == null) {
            throw new UserInputException("--task defects needs --detector DET: a folder from `autoglm defects fit`");
        }
        if (!task.equals("defects") && detector != null) {
            throw new UserInputException("--detector is a defects option; --task is " + task);
        }
        if (zeroShot && (labelKey == null || labelKey.isBlank())) {
            throw new UserInputException("--task zero-shot needs --label-key KEY: the record field that holds the class, e.g. --label-key label");
        }
        if (!zeroShot && (labelKey != null || !labels.isEmpty() || !templates.isEmpty())) {
            throw new UserInputException("--label-key, --labels and --template are zero-shot options; --task is " + task);
        }
        if (firstCaptionOnly && !task.equals("retrieval")) {
            throw new UserInputException("--first-caption-only is a retrieval option; --task is " + task);
        }
        if (!vqa && (questionKeys != null || limit != null)) {
            throw new UserInputException("--question-keys and --limit are vqa options; --task is " + task);
        }
        if (limit != null && limit < 0) {
            throw new UserInputException("--limit must be 0 (all) or more, got " + limit);
        }
    }

    private List<String> cleanLabels() {
        List<String> cleaned = labels.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (!labels.isEmpty() && cleaned.isEmpty()) {
            throw new UserInputException("--labels is empty: give comma-separated labels, e.g. --labels cat,dog");
        }
        return cleaned;
    }

    private static void printTable(PrintWriter out, RobustnessResult r, List<Integer> levels, String modelName) {
        out.printf(Locale.ROOT, "robustness: task %s, metric %s, model %s, seed %d%n", r.task(), r.metric(), modelName, r.seed());
        out.printf(Locale.ROOT, "%-16s %8.4f%n", "clean", r.clean().value());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-16s", "corruption"));
        levels.forEach(s -> head.append(String.format(Locale.ROOT, " %8s", "s" + s)));
        out.println(head.append(String.format(Locale.ROOT, " %8s %8s", "mean", "relative")));
        for (Corruption c : r.scores().keySet()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-16s", c.id()));
            r.scores().get(c).forEach(p -> row.append(String.format(Locale.ROOT, " %8.4f", p.value())));
            out.println(row.append(String.format(Locale.ROOT, " %8.4f %8.4f", r.mean(c), r.relative(c))));
        }
        out.printf(Locale.ROOT, "%-16s %8.4f%n", "robustness_score", r.robustnessScore());
    }
}
