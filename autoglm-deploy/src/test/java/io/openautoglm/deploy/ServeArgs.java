package io.openautoglm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The serve command line the Deployment gives its container, and the ConfigMap's @-file it names. */
final class ServeArgs {
    private ServeArgs() {}

    /** The container's args: "serve", its options, and "@FILE" for the ConfigMap's options. */
    static List<String> containerArgs() {
        return Yamls.<Object>list(Manifests.container(), "args").stream().map(Object::toString).toList();
    }

    /** The path of the @-file in the container's args. */
    static String atFile() {
        List<String> at = containerArgs().stream().filter(a -> a.startsWith("@")).toList();
        if (at.size() != 1) {
            throw new AssertionError("expected one @FILE argument (the ConfigMap's serve options), got " + at);
        }
        return at.get(0).substring(1);
    }

    /** The ConfigMap's serve options, as the container reads them from its @-file. */
    static String configMapOptions() {
        return Yamls.string(Manifests.one("ConfigMap").object(), "data", "serve.args");
    }

    /** The value after {@code option} in {@code args}, or null. */
    static String optionValue(List<String> args, String option) {
        int i = args.indexOf(option);
        return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }

    /**
     * The key (file name) of {@code file} inside the container, which must lie directly in the mount of
     * a volume of {@code volumeType} ("configMap", "secret").
     */
    static String mountedFile(String volumeType, String file) {
        Path path = Path.of(file);
        Map<String, Object> pod = Yamls.map(Manifests.one("Deployment").object(), "spec", "template", "spec");
        for (Map<String, Object> mount : Yamls.<Map<String, Object>>list(Manifests.container(), "volumeMounts")) {
            if (!Path.of(Yamls.string(mount, "mountPath")).equals(path.getParent())) {
                continue;
            }
            for (Map<String, Object> volume : Yamls.<Map<String, Object>>list(pod, "volumes")) {
                if (volume.get("name").equals(mount.get("name")) && volume.containsKey(volumeType)) {
                    return path.getFileName().toString();
                }
            }
        }
        throw new AssertionError(file + " is not in the mount of a " + volumeType + " volume");
    }

    /**
     * The container's command line made runnable in a test: the @-file written to {@code dir}, the
     * key file replaced by {@code keyFile}, {@code replacements} (option to new value) applied to both.
     * An option whose replacement is null is dropped with its value.
     */
    static List<String> forTest(Path dir, Path keyFile, Map<String, String> replacements, List<String> extra) {
        try {
            Path options = dir.resolve("serve.args");
            Files.writeString(options, String.join("\n", replace(
                    List.of(configMapOptions().split("\n")), replacements)) + "\n");
            List<String> args = new ArrayList<>();
            for (String a : containerArgs()) {
                args.add(a.startsWith("@") ? "@" + options : a);
            }
            Map<String, String> all = new java.util.HashMap<>(replacements);
            all.put("--api-key-file", keyFile.toString());
            List<String> out = new ArrayList<>(replaceTokens(args, all));
            out.addAll(extra);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies {@code replacements} to @-file lines of the form "--option value". */
    private static List<String> replace(List<String> lines, Map<String, String> replacements) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+", 2);
            if (!replacements.containsKey(words[0])) {
                out.add(line);
            } else if (replacements.get(words[0]) != null) {
                out.add(words[0] + " " + replacements.get(words[0]));
            }
        }
        return out;
    }

    private static List<String> replaceTokens(List<String> args, Map<String, String> replacements) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (replacements.containsKey(a) && i + 1 < args.size()) {
                if (replacements.get(a) != null) {
                    out.add(a);
                    out.add(replacements.get(a));
                }
                i++;
            } else {
                out.add(a);
            }
        }
        return out;
    }
}
