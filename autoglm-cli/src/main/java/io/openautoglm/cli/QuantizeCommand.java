package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.eval.AccuracyGate;
import io.openautoglm.onnx.StagedFolder;
import io.openautoglm.onnx.quantize.Int8ModelFolder;
import io.openautoglm.onnx.quantize.Int8Options;
import io.openautoglm.onnx.quantize.Int8Report;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Quantize a model folder of ONNX graphs to int8 (dynamic: int8 weights, activations quantized at run time).",
            "Every *.onnx in --model is rewritten (MatMul/Gemm with float weights, large Gather tables), every other file is copied,"
                + " and provenance.json gains a \"quantization\" block. With --gate the fp32 and int8 folders are both measured"
                + " on the manifest and nothing is written when the int8 one loses more than --max-drop points."
                + " DST is written whole or not at all (staged beside it, then renamed).",
            "Example: autoglm quantize --model runs/onnx --out runs/onnx-int8 --gate data/val.jsonl --max-drop 0.5"})
final class QuantizeCommand implements Callable<Integer> {
    /** How folders become models for the gate; replaced in tests. */
    static GateOptions.Opener opener = MultimodalModel::load;

    @Option(names = {"-m", "--model"}, paramLabel = "ONNX_DIR", required = true,
            description = "Model folder holding the fp32 ONNX graphs (as autoglm export onnx writes it).")
    Path model;

    @Option(names = "--out", paramLabel = "DST", required = true, description = "New folder for the int8 model (must not exist or be empty).")
    Path out;

    @Mixin
    GateOptions gate = new GateOptions();

    @Option(names = "--kernel", paramLabel = "standard|contrib", defaultValue = "standard",
            description = "int8 operators: standard ONNX (DynamicQuantizeLinear, MatMulInteger) or ONNX Runtime's "
                    + "com.microsoft DynamicQuantizeMatMul (default: ${DEFAULT-VALUE}).")
    String kernel;

    @Option(names = "--per-tensor", description = "One scale per weight tensor instead of one per output column.")
    boolean perTensor;

    @Option(names = "--min-weight-elements", paramLabel = "N", defaultValue = "4096",
            description = "Weights with fewer elements stay fp32 (default: ${DEFAULT-VALUE}).")
    long minWeightElements;

    @Option(names = "--skip-node", paramLabel = "NAME", description = "Leave this ONNX node fp32 (repeatable).")
    List<String> skipNodes = List.of();

    @Option(names = "--no-embeddings", description = "Keep Gather tables (token embeddings) fp32.")
    boolean noEmbeddings;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Int8Options.Kernel k = switch (kernel.toLowerCase(Locale.ROOT)) {
            case "standard" -> Int8Options.Kernel.STANDARD;
            case "contrib" -> Int8Options.Kernel.CONTRIB;
            default -> throw new UserInputException("--kernel must be standard or contrib, got " + kernel);
        };
        if (minWeightElements < 0) {
            throw new UserInputException("--min-weight-elements must not be negative");
        }
        Int8Options options = new Int8Options(!perTensor, minWeightElements, Set.copyOf(skipNodes), k, !noEmbeddings);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AccuracyGate accuracyGate = gate.enabled() ? gate.gate(err) : null; // a bad manifest fails before any work
        try (StopSignal.Job job = StopSignal.job()) {
            writeInt8(model, out, model, options, accuracyGate, gate.maxDrop, stdout);
        }
        stdout.flush();
        return 0;
    }

    /**
     * Quantizes the ONNX folder {@code fp32} into {@code out} (staged, renamed in whole), gated when {@code accuracyGate}
     * is given; {@code source} is what provenance names as the model quantized. Shared with {@code export onnx --quantize}.
     */
    static void writeInt8(Path fp32, Path out, Path source, Int8Options options, AccuracyGate accuracyGate, double maxDrop,
            PrintWriter stdout) throws IOException {
        try (StagedFolder staged = StagedFolder.forTarget(out)) {
            Int8ModelFolder.Result result = Int8ModelFolder.quantize(fp32, staged.dir(), options);
            for (Map.Entry<String, Int8Report> e : result.files().entrySet()) {
                Int8Report r = e.getValue();
                stdout.printf(Locale.ROOT, "%s: %d products int8, %d left fp32, %,d -> %,d bytes (%.1f%%)%n", e.getKey(),
                        r.quantized().size(), r.leftFp32().size(), r.bytesBefore(), r.bytesAfter(), 100 * r.sizeRatio());
            }
            var provenance = result.toJson(options);
            provenance.put("source", source.toAbsolutePath().normalize().toString());
            StopSignal.process().check();
            if (accuracyGate != null) {
                AccuracyGate.Result g;
                try (MultimodalModel reference = opener.open(fp32); MultimodalModel int8 = opener.open(staged.dir())) {
                    g = accuracyGate.compare(reference, int8);
                }
                stdout.println(g.summary());
                if (!g.passed()) {
                    throw new UserInputException("the int8 model loses " + String.format(Locale.ROOT, "%.2f", g.worstDropPoints())
                            + " points of " + g.worstFigure() + " (limit " + maxDrop + "); nothing was written to " + out
                            + ": try --per-tensor off, --skip-node for sensitive layers, or a larger --max-drop");
                }
                provenance.set("gate", g.toJson());
            }
            Int8ModelFolder.extendProvenance(staged.dir(), "quantization", provenance);
            staged.commit();
            stdout.printf(Locale.ROOT, "wrote %s: %,d -> %,d bytes of graphs (%.1f%%)%n", out, result.bytesBefore(),
                    result.bytesAfter(), 100.0 * result.bytesAfter() / Math.max(1, result.bytesBefore()));
        }
    }
}
