package io.openautoglm.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime 1.29 walks /proc/self/cmdline recursively while it creates its environment, about a
 * stack frame per character: a JVM started with a long command line (classify with a few hundred
 * picture paths) died with a bare SIGSEGV on the main thread's default stack. This runs a child JVM,
 * default stack size, with 40,000 characters of arguments, and asks it for the environment.
 */
class LongCommandLineEnvironmentTest {

    /** Child entry point: "deep" goes through {@link OnnxSessions#environment()}, "direct" calls ORT on main. */
    public static void main(String[] args) {
        OrtEnvironment env = "direct".equals(args[0]) ? OrtEnvironment.getEnvironment() : OnnxSessions.environment();
        System.out.println("environment ready: " + (env != null) + ", " + args.length + " arguments");
    }

    @Test
    void environmentSurvivesFortyThousandCharactersOfArguments(@TempDir Path dir) throws Exception {
        ChildRun run = runChild(dir, "deep", 40, 1000);
        assertEquals(0, run.exitCode, "child JVM died (139 = SIGSEGV):\n" + run.output);
        assertTrue(run.output.contains("environment ready: true, 41 arguments"), run.output);
    }

    static ChildRun runChild(Path dir, String mode, int extraArguments, int charsEach) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                LongCommandLineEnvironmentTest.class.getName(), mode));
        String filler = "p".repeat(charsEach);
        for (int i = 0; i < extraArguments; i++) {
            command.add("/tmp/" + i + "/" + filler);
        }
        Path log = dir.resolve("child-" + mode + ".log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("child JVM did not finish in 120 s");
        }
        return new ChildRun(child.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    record ChildRun(int exitCode, String output) {}
}
