package io.openautoglm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code autoglm export}: a model in another runtime's format. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model for another runtime: `autoglm export onnx` (ONNX graphs that every --model command runs on ONNX Runtime).",
        subcommands = {ExportOnnxCommand.class})
final class ExportCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
