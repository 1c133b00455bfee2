package io.openautoglm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The files of deploy/ as the tests read them: every YAML document of deploy/k8s, parsed with snakeyaml. */
final class Manifests {
    /** The repository root: the tests run in autoglm-deploy/. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path K8S = ROOT.resolve("deploy/k8s");
    static final String KUSTOMIZATION = "kustomization.yaml";

    /** One YAML document of one file. */
    record Manifest(Path file, String text, Map<String, Object> object) {
        String kind() {
            return (String) object.get("kind");
        }

        String name() {
            return Yamls.string(object, "metadata", "name");
        }

        @Override
        public String toString() {
            return K8S.relativize(file) + " (" + kind() + " " + name() + ")";
        }
    }

    private Manifests() {}

    /** The YAML files of deploy/k8s, sorted. */
    static List<Path> files() {
        try (Stream<Path> s = Files.list(K8S)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every Kubernetes object in deploy/k8s (the kustomization, which is kustomize's and not the API's, left out). */
    static List<Manifest> objects() {
        List<Manifest> all = new ArrayList<>();
        for (Path file : files()) {
            if (file.getFileName().toString().equals(KUSTOMIZATION)) {
                continue;
            }
            String text = read(file);
            for (Object doc : yaml().loadAll(text)) {
                if (doc == null) {
                    continue; // an empty document between two '---'
                }
                if (!(doc instanceof Map<?, ?> map)) {
                    throw new AssertionError(file + ": a document that is not a mapping: " + doc);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) map;
                all.add(new Manifest(file, text, object));
            }
        }
        return all;
    }

    static Map<String, Object> kustomization() {
        return Yamls.map(yaml().load(read(K8S.resolve(KUSTOMIZATION))));
    }

    /** The one object of {@code kind}. */
    static Manifest one(String kind) {
        List<Manifest> found = objects().stream().filter(m -> kind.equals(m.kind())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " in " + K8S + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The Deployment's one container. */
    static Map<String, Object> container() {
        List<Map<String, Object>> containers = Yamls.list(one("Deployment").object(), "spec", "template", "spec", "containers");
        if (containers.size() != 1) {
            throw new AssertionError("the Deployment should have one container, has " + containers.size());
        }
        return containers.get(0);
    }

    /** A safe loader (no arbitrary types): plain maps, lists, strings and numbers. */
    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
