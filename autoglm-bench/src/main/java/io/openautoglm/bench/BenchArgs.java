package io.openautoglm.bench;

import io.openautoglm.core.UserInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of a benchmark, one convention for all: {@code --name value} options and bare
 * flags, each named up front. An unknown option, one without its value or a value of the wrong
 * kind is a {@link UserInputException} with one line saying which; {@link #main} turns it into that
 * line on stderr and exit code 2, and {@code -h}/{@code --help} into the usage on stdout and exit 0.
 *
 * <pre>{@code
 * BenchArgs a = BenchArgs.parse(args, Set.of("--threads", "--json"), Set.of("--reuse"));
 * int threads = a.integer("--threads", 2);
 * }</pre>
 */
final class BenchArgs {
    /** What a benchmark's {@code main} does with its parsed command line. */
    @FunctionalInterface
    interface Body {
        void run(String[] args) throws Exception;
    }

    private final Map<String, String> values;
    private final Set<String> flags;

    private BenchArgs(Map<String, String> values, Set<String> flags) {
        this.values = values;
        this.flags = flags;
    }

    /**
     * Runs a benchmark's body; a user mistake becomes {@code NAME: error: MESSAGE (try --help)} on
     * stderr and exit code 2, a help request the usage on stdout and exit 0.
     */
    static void main(String name, String usage, String[] args, Body body) throws Exception {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(usage);
                System.exit(0);
            }
        }
        try {
            body.run(args);
        } catch (UserInputException e) {
            System.err.println(name + ": error: " + e.getMessage() + " (try --help)");
            System.exit(2);
        }
    }

    /** The option names of several groups together (a benchmark's own and {@link Repetitions#OPTIONS}). */
    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }

    /** Reads {@code args}: every option in {@code options} takes a value, every one in {@code flagNames} none. */
    static BenchArgs parse(String[] args, Set<String> options, Set<String> flagNames) {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (flagNames.contains(a)) {
                flags.add(a);
            } else if (options.contains(a)) {
                if (i + 1 >= args.length) {
                    throw new UserInputException("option " + a + " needs a value");
                }
                values.put(a, args[++i]); // the last one wins, so a script's defaults can be overridden after them
            } else {
                throw new UserInputException("unknown option " + a);
            }
        }
        return new BenchArgs(values, flags);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The value of a required option. */
    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UserInputException("option " + name + " is required");
        }
        return v;
    }

    Path path(String name, Path fallback) {
        String v = values.get(name);
        return v == null ? fallback : Path.of(v);
    }

    int integer(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UserInputException(name + " takes a whole number, got '" + v + "'");
        }
    }

    long whole(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UserInputException(name + " takes a whole number, got '" + v + "'");
        }
    }

    double decimal(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UserInputException(name + " takes a number, got '" + v + "'");
        }
    }

    /** A comma-separated list of whole numbers: {@code --batches 1,8,32}. */
    List<Integer> integers(String name, List<Integer> fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        List<Integer> out = new ArrayList<>();
        for (String part : v.split(",")) {
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new UserInputException(name + " takes whole numbers separated by commas, got '" + v + "'");
            }
        }
        return List.copyOf(out);
    }

    /** A comma-separated list of words: {@code --kinds image,text}. */
    List<String> words(String name, List<String> fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Fails unless {@code value} is at least {@code min}: {@code --reps must be at least 1, got 0}. */
    static void atLeast(String name, double value, double min) {
        if (value < min) {
            throw new UserInputException(name + " must be at least " + (min == Math.rint(min) ? Long.toString((long) min) : min)
                    + ", got " + (value == Math.rint(value) ? Long.toString((long) value) : value));
        }
    }
}
