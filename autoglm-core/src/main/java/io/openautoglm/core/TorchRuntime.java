package io.openautoglm.core;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;

/**
 * The PyTorch engine, loaded offline from the native jar on the classpath. Nothing is ever
 * downloaded at run time: {@code ai.djl.offline} is forced on unless the user set it.
 */
public final class TorchRuntime {
    public static final String ENGINE = "PyTorch";

    private TorchRuntime() {}

    public static Engine engine() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalStateException("could not load the PyTorch native library (" + root.getMessage()
                    + "): put ai.djl.pytorch:pytorch-native-cpu (classifier linux-x86_64, version matching pytorch-jni) "
                    + "on the classpath, and check that ~/.djl.ai is writable (natives are unpacked there)", e);
        }
    }

    /** Seeds PyTorch's generator, so random initialization is reproducible. */
    public static void seed(long seed) {
        engine().setRandomSeed((int) seed);
    }

    /**
     * Stops autograd recording on the calling thread: optimizer updates must not be recorded,
     * whichever thread started the engine. The one place outside DJL's API where callers would
     * otherwise reach into the PyTorch JNI layer.
     */
    public static void stopRecordingGradients() {
        engine();
        JniUtils.setGradMode(false);
    }

    /** libtorch's intra-op thread count (what {@code ai.djl.pytorch.num_threads} set). */
    public static int intraOpThreads() {
        engine();
        return JniUtils.getNumThreads();
    }

    /** libtorch's inter-op thread count (what {@code ai.djl.pytorch.num_interop_threads} set). */
    public static int interOpThreads() {
        engine();
        return JniUtils.getNumInteropThreads();
    }

    /** Runs {@code work} under libtorch's profiler and writes a Chrome trace to {@code trace}. */
    public static void profile(Runnable work, Path trace) {
        engine();
        JniUtils.startProfile(false, true, true);
        try {
            work.run();
        } finally {
            JniUtils.stopProfile(trace.toString());
        }
    }
}
