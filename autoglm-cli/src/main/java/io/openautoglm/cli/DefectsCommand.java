package io.openautoglm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code autoglm defects}: industrial defect inspection on the frozen image tower (docs/defects.md). */
@Command(name = "defects", mixinStandardHelpOptions = true,
        description = {"Defect inspection: fit a detector on good (and a few labelled defective) pictures, evaluate it, inspect parts.",
            "Make a synthetic set to try it with: autoglm data defects --out DIR --count 40. See docs/defects.md."},
        subcommands = {DefectsFitCommand.class, DefectsEvalCommand.class, DefectsInspectCommand.class})
final class DefectsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
