package io.openautoglm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code autoglm route}: student/teacher routing (docs/inference.md, "Routing"). */
@Command(name = "route", mixinStandardHelpOptions = true,
        description = {"Student/teacher routing: a light student answers zero-shot classification when it is sure enough,",
            "a heavy teacher otherwise. `autoglm route calibrate` chooses the threshold on a validation manifest;",
            "classify and serve take it with --student DIR --route ROUTE.json."},
        subcommands = {RouteCalibrateCommand.class})
final class RouteCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
