package io.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.openautoglm.deploy.Manifests.Manifest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every object in deploy/k8s has what the API server requires, no field it does not know, and refers
 * only to objects, ports and mounts that exist: the Service and the PDB select the Deployment's pods,
 * the HPA scales it, the ServiceMonitor scrapes the Service's port with the Secret's key.
 */
class ManifestFieldsTest {
    private static final java.util.regex.Pattern DNS_NAME = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    static final Set<String> KINDS = Set.of("ConfigMap", "Secret", "Deployment", "Service", "HorizontalPodAutoscaler",
            "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule");

    @Test
    void theKustomizationListsEveryManifestAndOnlyThose() {
        List<String> resources = Yamls.list(Manifests.kustomization(), "resources");
        Set<String> files = Manifests.files().stream().map(p -> p.getFileName().toString())
                .filter(f -> !f.equals(Manifests.KUSTOMIZATION)).collect(Collectors.toSet());
        assertThat(Set.copyOf(resources)).as("kustomization.yaml resources vs files in deploy/k8s").isEqualTo(files);
        assertThat(resources).doesNotHaveDuplicates();
        // the image name the kustomization rewrites is the one the Deployment uses
        assertThat(Yamls.string(Yamls.<Object>list(Manifests.kustomization(), "images").get(0), "name"))
                .isEqualTo(Manifests.container().get("image").toString().split(":")[0]);
    }

    @Test
    void everyObjectHasApiVersionKindAndAValidName() {
        List<Manifest> all = Manifests.objects();
        assertThat(all.stream().map(Manifest::kind).collect(Collectors.toSet())).isEqualTo(KINDS);
        for (Manifest m : all) {
            assertThat(Yamls.string(m.object(), "apiVersion")).as(m + " apiVersion").isNotBlank();
            assertThat(m.kind()).as(m + " kind").isNotBlank();
            assertThat(m.name()).as(m + " metadata.name").isNotNull().hasSizeLessThanOrEqualTo(63).matches(DNS_NAME);
            assertThat(Yamls.at(m.object(), "metadata", "namespace"))
                    .as(m + ": no namespace in the files, so `kubectl apply -k ... -n NS` and kustomize's namespace work").isNull();
            assertThat(Yamls.map(m.object(), "metadata", "labels")).as(m + " labels").containsEntry("app.kubernetes.io/name", "autoglm");
        }
    }

    @Test
    void builtInObjectsHaveNoFieldTheKubernetesApiDoesNotDefine() {
        KubernetesSerialization serialization = new KubernetesSerialization();
        for (Manifest m : Manifests.objects()) {
            HasMetadata typed = serialization.unmarshal(Manifests.yaml().dump(m.object()));
            if (m.kind().equals("ServiceMonitor") || m.kind().equals("PrometheusRule")) {
                assertThat(typed).as(m + " is a custom resource").isInstanceOf(GenericKubernetesResource.class);
                continue;
            }
            assertThat(typed).as(m + " unmarshals to the typed model").isNotInstanceOf(GenericKubernetesResource.class);
            assertThat(UnknownFields.of(typed)).as(m + ": fields Kubernetes does not define").isEmpty();
        }
    }

    @Test
    void theDeploymentsContainerHasAnImagePortsProbesAndResources() {
        Map<String, Object> spec = Yamls.map(Manifests.one("Deployment").object(), "spec");
        Map<String, Object> selector = Yamls.map(spec, "selector", "matchLabels");
        assertThat(Yamls.map(spec, "template", "metadata", "labels")).as("the selector selects the pod template")
                .containsAllEntriesOf(selector);
        Map<String, Object> c = Manifests.container();
        assertThat(Yamls.string(c, "name")).matches(DNS_NAME);
        assertThat(Yamls.string(c, "image")).isNotBlank();
        Set<String> portNames = portNames(Yamls.list(c, "ports"));
        assertThat(Yamls.string(c, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
        assertThat(Yamls.string(c, "startupProbe", "httpGet", "path")).isEqualTo("/healthz");
        assertThat(Yamls.string(c, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(portNames).as(probe + " port").contains(Yamls.string(c, probe, "httpGet", "port"));
        }
        for (String kind : List.of("requests", "limits")) {
            assertThat(Yamls.map(c, "resources", kind)).as("resources." + kind).containsKeys("cpu", "memory");
        }
        assertThat(Yamls.at(spec, "replicas")).as("the HPA owns the replica count").isNull();
        assertThat(Yamls.at(spec, "template", "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
    }

    @Test
    void volumesAndMountsReferToObjectsAndKeysThatExist() {
        Map<String, Object> pod = Yamls.map(Manifests.one("Deployment").object(), "spec", "template", "spec");
        Set<String> volumes = Yamls.<Map<String, Object>>list(pod, "volumes").stream().map(v -> Yamls.string(v, "name"))
                .collect(Collectors.toSet());
        for (Map<String, Object> mount : Yamls.<Map<String, Object>>list(Manifests.container(), "volumeMounts")) {
            assertThat(volumes).as("volume of mount " + mount).contains(Yamls.string(mount, "name"));
        }
        for (Map<String, Object> v : Yamls.<Map<String, Object>>list(pod, "volumes")) {
            if (v.containsKey("configMap")) {
                assertThat(Yamls.string(v, "configMap", "name")).isEqualTo(Manifests.one("ConfigMap").name());
            }
            if (v.containsKey("secret")) {
                assertThat(Yamls.string(v, "secret", "secretName")).isEqualTo(Manifests.one("Secret").name());
            }
        }
        // the two files the serve command reads are a mount plus a key of the object mounted there
        assertThat(ServeArgs.mountedFile("configMap", ServeArgs.atFile())).isEqualTo("serve.args");
        assertThat(Yamls.map(Manifests.one("ConfigMap").object(), "data")).containsKey("serve.args");
        String keyFile = ServeArgs.optionValue(ServeArgs.containerArgs(), "--api-key-file");
        assertThat(Yamls.map(Manifests.one("Secret").object(), "stringData")).containsKey(ServeArgs.mountedFile("secret", keyFile));
    }

    @Test
    void serviceAndDisruptionBudgetSelectTheServingPodsAndTheHpaScalesTheDeployment() {
        Manifest deployment = Manifests.one("Deployment");
        Map<String, Object> podLabels = Yamls.map(deployment.object(), "spec", "template", "metadata", "labels");
        Manifest service = Manifests.one("Service");
        assertThat(podLabels).containsAllEntriesOf(Yamls.map(service.object(), "spec", "selector"));
        Set<String> containerPorts = portNames(Yamls.list(Manifests.container(), "ports"));
        List<Map<String, Object>> servicePorts = Yamls.list(service.object(), "spec", "ports");
        for (Map<String, Object> p : servicePorts) {
            assertThat(containerPorts).as("Service targetPort").contains(Yamls.string(p, "targetPort"));
        }
        assertThat(podLabels).containsAllEntriesOf(Yamls.map(Manifests.one("PodDisruptionBudget").object(), "spec", "selector", "matchLabels"));

        Map<String, Object> hpa = Yamls.map(Manifests.one("HorizontalPodAutoscaler").object(), "spec");
        assertThat(Yamls.map(hpa, "scaleTargetRef")).containsEntry("apiVersion", deployment.object().get("apiVersion"))
                .containsEntry("kind", "Deployment").containsEntry("name", deployment.name());
        int min = (Integer) hpa.get("minReplicas");
        assertThat(min).as("minReplicas: the PDB's one disruption still leaves a pod serving").isGreaterThanOrEqualTo(2);
        assertThat((Integer) hpa.get("maxReplicas")).isGreaterThanOrEqualTo(min);
        assertThat(Yamls.<Map<String, Object>>list(hpa, "metrics").stream().map(m -> Yamls.string(m, "type")).toList())
                .containsExactly("Resource", "Pods");
    }

    @Test
    void theServiceMonitorScrapesTheServicesPortWithTheApiKey() {
        Manifest service = Manifests.one("Service");
        Map<String, Object> spec = Yamls.map(Manifests.one("ServiceMonitor").object(), "spec");
        assertThat(Yamls.map(service.object(), "metadata", "labels")).containsAllEntriesOf(Yamls.map(spec, "selector", "matchLabels"));
        Set<String> servicePorts = portNames(Yamls.list(service.object(), "spec", "ports"));
        for (Map<String, Object> e : Yamls.<Map<String, Object>>list(spec, "endpoints")) {
            assertThat(servicePorts).contains(Yamls.string(e, "port"));
            assertThat(Yamls.string(e, "path")).isEqualTo("/metrics");
            // /metrics is behind the API key: Prometheus sends the Secret's key as the bearer token
            assertThat(Yamls.string(e, "authorization", "type")).isEqualTo("Bearer");
            assertThat(Yamls.string(e, "authorization", "credentials", "name")).isEqualTo(Manifests.one("Secret").name());
            assertThat(Yamls.map(Manifests.one("Secret").object(), "stringData"))
                    .containsKey(Yamls.string(e, "authorization", "credentials", "key"));
        }
    }

    static Set<String> portNames(List<Map<String, Object>> ports) {
        return ports.stream().map(p -> Yamls.string(p, "name")).collect(Collectors.toSet());
    }
}
