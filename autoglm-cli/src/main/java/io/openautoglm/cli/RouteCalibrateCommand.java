package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.ZeroShotClassifier;
import io.openautoglm.core.ZeroShotResult;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.routing.RouteCalibration;
import io.openautoglm.core.routing.RouteFile;
import io.openautoglm.core.routing.ZeroShotRouter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Choose the routing threshold on a validation manifest: both models classify every picture zero-shot;",
            "the threshold is the smallest student margin (top-1 minus top-2 probability) at which the routed answers",
            "(student at or above it, teacher below) agree with the teacher's top-1 on at least --target-agreement of the",
            "pictures. No ground truth is needed: agreement is with the teacher. Writes ROUTE.json (atomically) with the",
            "threshold, the agreement and student share measured, and the SHA-256 of both models' weights.",
            "Example: autoglm route calibrate --student runs/pruned --teacher models/autoglm-shapes-tiny \\",
            "    --manifest data/val.jsonl --label-key shape --out route.json"})
final class RouteCalibrateCommand implements Callable<Integer> {
    @Option(names = "--student", required = true, paramLabel = "DIR", description = "The light model that answers when sure.")
    Path student;

    @Option(names = "--teacher", paramLabel = "DIR", description = "The heavy model (default: the bundled model).")
    Path teacher;

    @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "JSONL manifest of validation pictures.")
    Path manifest;

    static final class Classes {
        @Option(names = {"-l", "--labels"}, split = ",", paramLabel = "LABEL", description = "Comma-separated class labels.")
        List<String> labels;

        @Option(names = "--label-key", paramLabel = "KEY",
                description = "Use the distinct values of this record field as the labels (ShapeWorld: shape).")
        String labelKey;
    }

    @ArgGroup(multiplicity = "1")
    Classes classes;

    @Option(names = "--template", paramLabel = "TEMPLATE",
            description = "Prompt with {} for the label; repeat to ensemble (default: \"" + ClassifyCommand.DEFAULT_TEMPLATE
                    + "\"). Classify and serve should use the same ones.")
    List<String> templates = new ArrayList<>();

    @Option(names = "--target-agreement", paramLabel = "A", defaultValue = "0.99",
            description = "Share of pictures on which the routed answer must be the teacher's (default: ${DEFAULT-VALUE}).")
    double targetAgreement;

    @Option(names = "--out", required = true, paramLabel = "ROUTE.json", description = "Where to write the route file.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!(targetAgreement > 0 && targetAgreement <= 1)) {
            throw new UserInputException("--target-agreement must be in (0, 1], got " + targetAgreement);
        }
        if (Files.isDirectory(out)) {
            throw new UserInputException("--out " + out + " is a folder: give a file name such as " + out.resolve("route.json"));
        }
        Manifest m = Manifest.read(manifest);
        if (m.size() == 0) {
            throw new UserInputException("manifest " + manifest + " has no records");
        }
        List<String> labels = labels(m);
        List<String> prompts = templates.isEmpty() ? List.of(ClassifyCommand.DEFAULT_TEMPLATE) : templates;
        ZeroShotClassifier.prompts(labels, prompts); // checks the templates before any model loads
        List<Path> pictures = m.records().stream().map(ManifestRecord::image).toList();
        Path teacherDir = ModelOption.resolve(teacher, ModelOption.BUNDLED);
        float[] margins;
        boolean[] agrees;
        RouteFile.ModelRef studentRef;
        RouteFile.ModelRef teacherRef;
        try (MultimodalModel s = MultimodalModel.load(student); MultimodalModel t = MultimodalModel.load(teacherDir)) {
            studentRef = RouteFile.ModelRef.of(student, s);
            teacherRef = RouteFile.ModelRef.of(teacherDir, t);
            List<ZeroShotResult> fromStudent = classifyAll(s, pictures, labels, prompts);
            List<ZeroShotResult> fromTeacher = classifyAll(t, pictures, labels, prompts);
            margins = new float[pictures.size()];
            agrees = new boolean[pictures.size()];
            for (int i = 0; i < pictures.size(); i++) {
                margins[i] = ZeroShotRouter.margin(fromStudent.get(i));
                agrees[i] = fromStudent.get(i).best().label().equals(fromTeacher.get(i).best().label());
            }
        }
        RouteCalibration c = RouteCalibration.choose(margins, agrees, targetAgreement);
        ObjectNode setup = Json.object();
        setup.put("manifest", manifest.toAbsolutePath().normalize().toString());
        if (classes.labelKey != null) {
            setup.put("label_key", classes.labelKey);
        }
        labels.forEach(setup.putArray("labels")::add);
        prompts.forEach(setup.putArray("templates")::add);
        new RouteFile(c, targetAgreement, studentRef, teacherRef, setup).write(out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "threshold %.6f: the routed answers agree with the teacher on %.2f%% of %d pictures"
                + " (target %.2f%%); the student answers %.1f%% of them (alone it agrees on %.2f%%)%n", c.threshold(),
                100 * c.agreement(), c.count(), 100 * targetAgreement, 100 * c.studentShare(), 100 * c.studentAgreement());
        o.println("wrote " + out);
        o.flush();
        return 0;
    }

    private List<String> labels(Manifest m) {
        if (classes.labels != null) {
            List<String> l = classes.labels.stream().map(String::trim).filter(x -> !x.isEmpty()).toList();
            if (l.isEmpty() || l.stream().distinct().count() != l.size()) {
                throw new UserInputException("--labels must name distinct labels, e.g. --labels cat,dog; got " + classes.labels);
            }
            return l;
        }
        TreeSet<String> found = new TreeSet<>();
        m.records().forEach(r -> {
            if (r.get(classes.labelKey) != null) {
                found.add(r.get(classes.labelKey));
            }
        });
        if (found.size() < 2) {
            throw new UserInputException("manifest " + manifest + " has " + (found.isEmpty() ? "no" : "only one") + " value of \""
                    + classes.labelKey + "\"; routing needs at least two labels: pass --label-key with the class field, or --labels");
        }
        return List.copyOf(found);
    }

    /** Label embeddings once, pictures in batches. */
    static List<ZeroShotResult> classifyAll(MultimodalModel model, List<Path> pictures, List<String> labels, List<String> prompts) {
        float[][] classEmbeds = ZeroShotClassifier.labelEmbeddings(model, labels, prompts); // (L, D)
        float[][] images = model.embedImageFiles(pictures, EmbedOptions.defaults()); // (N, D) normalized
        float scale = model.logitScale();
        List<ZeroShotResult> out = new ArrayList<>(images.length);
        for (float[] image : images) {
            out.add(ZeroShotClassifier.scoreLabels(image, classEmbeds, labels, scale));
        }
        return out;
    }
}
