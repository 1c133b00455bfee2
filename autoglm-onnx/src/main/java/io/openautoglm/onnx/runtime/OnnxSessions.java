package io.openautoglm.onnx.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Opens ONNX graphs with our session settings and checks their inputs and outputs, turning what goes
 * wrong into one line that names the file: not ONNX at all, truncated or corrupt, or a graph whose
 * inputs or outputs are not the ones we feed and read (with what it has instead).
 */
public final class OnnxSessions {
    private OnnxSessions() {}

    /**
     * Stack for the thread that creates the ONNX Runtime environment. ORT 1.29 reads
     * /proc/self/cmdline while it creates its environment and recurses about once per character of
     * it: on a JVM thread's default 1 MiB stack, a command line of a few thousand characters (classify
     * with a few hundred picture paths) overflowed the stack and killed the JVM with a bare SIGSEGV.
     * 1 GiB covers Linux's whole argument limit with room to spare; it is address space, only the
     * pages touched are memory, and the thread ends once the environment exists.
     */
    static final long ENVIRONMENT_THREAD_STACK_BYTES = 1L << 30;

    private static volatile OrtEnvironment environment;

    /**
     * The process's ONNX Runtime environment (ORT has one per process), created the first time on a
     * thread of its own with a stack deep enough for ORT's start-up (see
     * {@link #ENVIRONMENT_THREAD_STACK_BYTES}). Use this, never {@code OrtEnvironment.getEnvironment()}
     * directly: whichever call comes first creates the environment on the caller's stack.
     */
    public static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (OnnxSessions.class) {
            if (environment == null) {
                environment = createOnDeepStack();
            }
            return environment;
        }
    }

    private static OrtEnvironment createOnDeepStack() {
        OrtEnvironment[] created = new OrtEnvironment[1];
        Throwable[] failed = new Throwable[1];
        Thread starter = new Thread(null, () -> {
            try {
                created[0] = OrtEnvironment.getEnvironment();
            } catch (Throwable t) {
                failed[0] = t;
            }
        }, "onnx-runtime-start", ENVIRONMENT_THREAD_STACK_BYTES);
        starter.setDaemon(true);
        starter.start();
        boolean interrupted = false;
        while (true) {
            try {
                starter.join(); // never leave while the native start-up still runs
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed[0] != null) {
            throw new IllegalStateException("cannot start ONNX Runtime: " + failed[0].getMessage(), failed[0]);
        }
        return created[0];
    }

    /**
     * Intra-op threads: {@code autoglm.onnx.threads}, else what our libtorch gets
     * ({@code ai.djl.pytorch.num_threads}, then {@code OMP_NUM_THREADS}), else every core.
     */
    public static int intraOpThreads() {
        for (String value : new String[] {System.getProperty("autoglm.onnx.threads"), System.getProperty("ai.djl.pytorch.num_threads"),
                System.getenv("OMP_NUM_THREADS")}) {
            if (value != null && value.strip().matches("[1-9][0-9]*")) {
                return Integer.parseInt(value.strip());
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** A session on {@code file} with every graph optimization on, sequential execution, our thread count. */
    public static OrtSession open(OrtEnvironment env, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + " does not exist");
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(intraOpThreads());
            options.setInterOpNumThreads(1);
            return env.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new UserInputException(whyNotLoadable(file, e));
        }
    }

    /** A protobuf ModelProto starts with field 1 (ir_version, a varint): byte 0x08. Anything else is not ONNX. */
    private static String whyNotLoadable(Path file, OrtException e) {
        byte first;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            int b = in.read();
            first = (byte) b;
            if (b < 0) {
                return file + " is empty, not an ONNX model";
            }
        } catch (IOException io) {
            return "cannot read " + file + ": " + io.getMessage();
        }
        String cause = firstLine(e.getMessage());
        if (first != 0x08) {
            return file + " is not an ONNX model (it does not start like an ONNX protobuf; ONNX Runtime says: " + cause + ")";
        }
        return file + " is truncated or corrupt (" + size + " bytes; ONNX Runtime says: " + cause
                + "); copy or export it again";
    }

    /**
     * Checks that {@code session} has the inputs and output we use, each a tensor of the element type
     * and rank given; one line naming what was found otherwise.
     *
     * @param inputs name -> {java type, rank}; an input marked optional may be absent
     * @param optionalInputs inputs the graph may lack (attention_mask)
     */
    public static void requireSignature(OrtSession session, Path file, Map<String, Object[]> inputs, List<String> optionalInputs,
            String output, int outputRank) {
        try {
            Map<String, NodeInfo> have = session.getInputInfo();
            Map<String, NodeInfo> outs = session.getOutputInfo();
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, Object[]> want : inputs.entrySet()) {
                NodeInfo info = have.get(want.getKey());
                if (info == null) {
                    if (!optionalInputs.contains(want.getKey())) {
                        problems.add("no input " + want.getKey());
                    }
                    continue;
                }
                if (!matches(info, (OnnxJavaType) want.getValue()[0], (Integer) want.getValue()[1])) {
                    problems.add("input " + want.getKey() + " is " + describe(info) + ", expected "
                            + want.getValue()[0].toString().toLowerCase(java.util.Locale.ROOT) + " with " + want.getValue()[1] + " dims");
                }
            }
            for (String name : have.keySet()) {
                if (!inputs.containsKey(name)) {
                    problems.add("an input we do not feed, " + name);
                }
            }
            NodeInfo out = outs.get(output);
            if (out == null) {
                problems.add("no output " + output);
            } else if (!matches(out, OnnxJavaType.FLOAT, outputRank)) {
                problems.add("output " + output + " is " + describe(out) + ", expected float with " + outputRank + " dims");
            }
            if (!problems.isEmpty()) {
                throw new UserInputException(file + " is not the graph we expect (" + String.join("; ", problems) + "): found inputs "
                        + list(have) + " and outputs " + list(outs) + "; expected inputs " + inputs.keySet() + " and output " + output);
            }
        } catch (OrtException e) {
            throw new UserInputException("cannot read the inputs and outputs of " + file + ": " + firstLine(e.getMessage()));
        }
    }

    private static boolean matches(NodeInfo info, OnnxJavaType type, int rank) {
        return info.getInfo() instanceof TensorInfo t && t.type == type && t.getShape().length == rank;
    }

    private static String describe(NodeInfo info) {
        if (info.getInfo() instanceof TensorInfo t) {
            long[] shape = t.getShape();
            StringBuilder s = new StringBuilder(t.type.toString().toLowerCase(java.util.Locale.ROOT)).append('[');
            for (int i = 0; i < shape.length; i++) {
                s.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "?" : String.valueOf(shape[i]));
            }
            return s.append(']').toString();
        }
        return info.getInfo().toString();
    }

    private static String list(Map<String, NodeInfo> infos) {
        List<String> parts = new ArrayList<>();
        infos.forEach((name, info) -> parts.add(name + ": " + describe(info)));
        return "[" + String.join(", ", parts) + "]";
    }

    static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
