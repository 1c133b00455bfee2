package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.io.FileTrees;
import io.openautoglm.eval.AccuracyGate;
import io.openautoglm.onnx.quantize.Int8Options;
import io.openautoglm.onnx.OnnxExporter;
import io.openautoglm.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "onnx", mixinStandardHelpOptions = true,
        description = {"Export a model's image and text towers as ONNX graphs (written from Java, no Python).",
            "DST gets image_model.onnx (pixel_values (B, 3, S, S) -> image_embeds (B, P)), text_model.onnx"
                + " (input_ids (B, T) -> text_embeds (B, P)), both with a dynamic batch axis, plus config.json,"
                + " tokenizer.json, preprocessor.json and provenance.json (source weights' SHA-256, exporter, opset,"
                + " ONNX Runtime version, the check's cosines). DST is a model folder: every command that takes"
                + " --model (embed, classify, eval *, index build, search, serve) runs it on ONNX Runtime.",
            "The export checks itself before it finishes: the graphs in ONNX Runtime and the source model in DJL"
                + " embed the same pictures and texts (batch 1 and batched); if any cosine is below 0.9999 nothing"
                + " is written. DST is built under a temporary name and renamed into place.",
            "--quantize int8 then rewrites the graphs to int8 (as autoglm quantize does) and writes only the int8 folder;"
                + " with --gate MANIFEST the fp32 export and the int8 one are measured and nothing is written when int8"
                + " loses more than --max-drop points.",
            "Fusion heads (matching, VQA, captions) are not exported.",
            "Example: autoglm export onnx --out runs/onnx-int8 --quantize int8 --gate data/val.jsonl --label-key shape"})
final class ExportOnnxCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--out", required = true, paramLabel = "DST", description = "The ONNX model folder to write (must not exist, unless --overwrite).")
    Path out;

    @Option(names = "--opset", paramLabel = "N", defaultValue = "17",
            description = "ONNX opset, " + GraphBuilder.MIN_OPSET + " to " + GraphBuilder.MAX_OPSET
                    + " (default ${DEFAULT-VALUE}: the first with LayerNormalization).")
    int opset;

    @Option(names = "--overwrite", description = "Replace DST if it exists (the new folder is renamed in only after its check passes).")
    boolean overwrite;

    @Option(names = "--quantize", paramLabel = "int8",
            description = "Write int8 graphs instead of fp32 (dynamic quantization of the weight products; docs/inference.md).")
    String quantize;

    @Mixin
    GateOptions gate = new GateOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path source = model.resolve();
        OnnxExporter.Options options = OnnxExporter.Options.defaults().withOpset(opset).withSource(source).withOverwrite(overwrite);
        if (opset < GraphBuilder.MIN_OPSET || opset > GraphBuilder.MAX_OPSET) {
            throw new io.openautoglm.core.UserInputException("--opset " + opset + " is not supported: we write opsets "
                    + GraphBuilder.MIN_OPSET + " to " + GraphBuilder.MAX_OPSET);
        }
        if (quantize != null && !quantize.equalsIgnoreCase("int8")) {
            throw new io.openautoglm.core.UserInputException("--quantize takes int8, got " + quantize);
        }
        if (quantize == null && gate.enabled()) {
            throw new io.openautoglm.core.UserInputException("--gate measures a quantized export: add --quantize int8");
        }
        PrintWriter w = spec.commandLine().getOut();
        AccuracyGate accuracyGate = gate.enabled() ? gate.gate(spec.commandLine().getErr()) : null; // bad manifest: before any work
        if (quantize != null && !overwrite && Files.exists(out)) {
            throw new io.openautoglm.core.UserInputException(out + " already exists (add --overwrite to replace it)");
        }
        // int8: the fp32 export is staged beside DST, quantized into DST, then removed.
        Path fp32Dir = quantize == null ? out
                : out.toAbsolutePath().normalize().resolveSibling("." + out.getFileName() + ".fp32-" + ProcessHandle.current().pid());
        try (MultimodalModel m = MultimodalModel.load(source)) {
            OnnxExporter.Result r = OnnxExporter.export(m, fp32Dir, quantize == null ? options : options.withOverwrite(true));
            w.printf(Locale.ROOT, "exported %s to %s (opset %d): %s, %s; check against DJL: worst cosine %.6f on pictures, %.6f on texts%n",
                    source, r.dir(), opset, r.imageModel().getFileName(), r.textModel().getFileName(), r.worstImageCosine(),
                    r.worstTextCosine());
        }
        if (quantize != null) {
            try {
                if (overwrite && Files.exists(out)) {
                    FileTrees.delete(out);
                }
                QuantizeCommand.writeInt8(fp32Dir, out, source, Int8Options.defaults(), accuracyGate, gate.maxDrop, w);
            } finally {
                FileTrees.delete(fp32Dir);
            }
        }
        w.flush();
        return 0;
    }
}
