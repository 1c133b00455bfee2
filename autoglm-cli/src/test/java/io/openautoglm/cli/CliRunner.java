package io.openautoglm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures what it prints. */
record CliRunner(int exitCode, String out, String err) {
    static CliRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AutoglmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRunner(code, out.toString(), err.toString());
    }

    /** A user mistake: exit code 1, one line on stderr naming the problem, nothing on stdout. */
    static void assertOneLineError(CliRunner r, String... fragments) {
        org.assertj.core.api.Assertions.assertThat(r.exitCode()).as(r.err()).isEqualTo(AutoglmCli.EXIT_USER_ERROR);
        org.assertj.core.api.Assertions.assertThat(r.errLines()).as(r.err()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThat(r.err()).startsWith("autoglm: error: ");
        for (String f : fragments) {
            org.assertj.core.api.Assertions.assertThat(r.err()).contains(f);
        }
        org.assertj.core.api.Assertions.assertThat(r.out()).isEmpty();
    }

    /** Non-empty lines of stderr. */
    long errLines() {
        return err.lines().filter(l -> !l.isBlank()).count();
    }
}
