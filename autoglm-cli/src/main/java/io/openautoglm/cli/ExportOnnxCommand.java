package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.onnx.OnnxExporter;
import io.openautoglm.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.io.PrintWriter;
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
            "Fusion heads (matching, VQA, captions) are not exported."})
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
        PrintWriter w = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(source)) {
            OnnxExporter.Result r = OnnxExporter.export(m, out, options);
            w.printf(Locale.ROOT, "exported %s to %s (opset %d): %s, %s; check against DJL: worst cosine %.6f on pictures, %.6f on texts%n",
                    source, r.dir(), opset, r.imageModel().getFileName(), r.textModel().getFileName(), r.worstImageCosine(),
                    r.worstTextCosine());
        }
        w.flush();
        return 0;
    }
}
