package io.openautoglm.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** deploy/Dockerfile read as its instructions: continuation lines joined, comments dropped, stage of each noted. */
record Dockerfile(List<Dockerfile.Instruction> instructions) {
    static final Path FILE = Manifests.ROOT.resolve("deploy/Dockerfile");
    static final Path IGNORE = Manifests.ROOT.resolve("deploy/Dockerfile.dockerignore");

    /** One instruction; {@code stage} is the name after FROM ... AS (null for an unnamed stage). */
    record Instruction(String keyword, String args, int stageIndex, String stage) {}

    static Dockerfile read() {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int stageIndex = -1;
        String stage = null;
        for (String raw : Manifests.read(FILE).split("\n")) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String full = pending.toString().strip();
            pending.setLength(0);
            String[] parts = full.split("\\s+", 2);
            String keyword = parts[0].toUpperCase();
            String args = parts.length > 1 ? parts[1] : "";
            if (keyword.equals("FROM")) {
                stageIndex++;
                String[] from = args.split("\\s+");
                stage = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null;
            }
            out.add(new Instruction(keyword, args, stageIndex, stage));
        }
        return new Dockerfile(out);
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** Instructions of the last stage (the image that runs). */
    List<Instruction> runtime(String keyword) {
        int last = instructions.get(instructions.size() - 1).stageIndex();
        return all(keyword).stream().filter(i -> i.stageIndex() == last).toList();
    }

    /** The only instruction of {@code keyword} in the runtime stage. */
    Instruction one(String keyword) {
        List<Instruction> found = runtime(keyword);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + keyword + " in the runtime stage, found " + found);
        }
        return found.get(0);
    }

    /** The default of {@code ARG name=value}. */
    String argDefault(String name) {
        return all("ARG").stream().map(Instruction::args).filter(a -> a.startsWith(name + "="))
                .map(a -> a.substring(name.length() + 1)).findFirst().orElse(null);
    }

    /** A JSON-array (exec form) argument list: ["a", "b"]. */
    static List<String> execForm(String args) {
        String s = args.strip();
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw new AssertionError("not exec form (signals would go to a shell, not the JVM): " + args);
        }
        List<String> out = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(s);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
