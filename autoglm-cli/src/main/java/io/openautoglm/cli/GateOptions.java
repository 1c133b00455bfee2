package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.eval.AccuracyGate;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The accuracy gate's options, shared by {@code quantize} and {@code prune}. */
final class GateOptions {
    @Option(names = "--gate", paramLabel = "MANIFEST",
            description = "Measure retrieval R@1 (both ways) and zero-shot top-1 (records with --label-key) of the source "
                    + "and the result on this JSONL manifest; refuse to write a result that loses more than --max-drop.")
    Path manifest;

    @Option(names = "--max-drop", paramLabel = "POINTS", defaultValue = "0.5",
            description = "Largest loss allowed on any gate figure, in percentage points (default: ${DEFAULT-VALUE}).")
    double maxDrop;

    @Option(names = "--label-key", paramLabel = "KEY", defaultValue = "label",
            description = "Record field with the class for the gate's zero-shot figure (ShapeWorld: shape; "
                    + "default: ${DEFAULT-VALUE}); without such records zero-shot is not measured.")
    String labelKey;

    @Option(names = "--first-caption-only",
            description = "Gate retrieval queries with each record's first caption only (for ShapeWorld's vague extra captions).")
    boolean firstCaptionOnly;

    boolean enabled() {
        return manifest != null;
    }

    AccuracyGate gate(PrintWriter progress) {
        return new AccuracyGate(Manifest.read(manifest), maxDrop, labelKey, firstCaptionOnly, progress);
    }

    /** Seam for tests and for backends: how a model folder becomes a model (ONNX folders load through the core hook). */
    interface Opener {
        MultimodalModel open(Path dir);
    }
}
