package io.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.openautoglm.deploy.Manifests.Manifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * `kubectl apply -k deploy/k8s` against fabric8's mock API server (CRUD mode): every object is created in
 * one namespace and read back unchanged; the Prometheus Operator's kinds go through the generic
 * resource API, as they would on a cluster with its CRDs installed.
 */
@EnableKubernetesMockClient(crud = true)
class MockApiServerTest {
    static final String NAMESPACE = "autoglm-test";
    /** The mock server logs every request at INFO through java.util.logging; held here so the level sticks. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    KubernetesClient client;

    /** The Prometheus Operator's custom resources (monitoring.coreos.com/v1). */
    private static final Map<String, String> PLURALS = Map.of("ServiceMonitor", "servicemonitors", "PrometheusRule", "prometheusrules");

    @Test
    void everyObjectIsCreatedAndReadBackUnchanged() {
        List<Manifest> manifests = Manifests.objects();
        for (Manifest m : manifests) {
            if (PLURALS.containsKey(m.kind())) {
                GenericKubernetesResource resource = client.getKubernetesSerialization()
                        .unmarshal(Manifests.yaml().dump(m.object()), GenericKubernetesResource.class);
                GenericKubernetesResource created = custom(m.kind()).inNamespace(NAMESPACE).resource(resource).create();
                assertThat(created.getMetadata().getUid()).as(m + " created").isNotBlank();
                GenericKubernetesResource read = custom(m.kind()).inNamespace(NAMESPACE).withName(m.name()).get();
                assertThat(read.getAdditionalProperties().get("spec")).as(m + " spec read back")
                        .isEqualTo(resource.getAdditionalProperties().get("spec"));
            } else {
                HasMetadata typed = client.getKubernetesSerialization().unmarshal(Manifests.yaml().dump(m.object()));
                HasMetadata created = client.resource(typed).inNamespace(NAMESPACE).create();
                assertThat(created.getMetadata().getUid()).as(m + " created").isNotBlank();
                HasMetadata read = client.resource(typed).inNamespace(NAMESPACE).get();
                assertThat(read).as(m + " read back").isNotNull();
                assertThat(client.getKubernetesSerialization().asJson(specOf(read)))
                        .as(m + " read back unchanged").isEqualTo(client.getKubernetesSerialization().asJson(specOf(typed)));
            }
        }
        // what the objects refer to is there, in the same namespace
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("autoglm").get().getSpec().getTemplate().getSpec()
                .getContainers().get(0).getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(client.configMaps().inNamespace(NAMESPACE).withName(Manifests.one("ConfigMap").name()).get().getData())
                .containsKey("serve.args");
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NAMESPACE).withName("autoglm").get()
                .getSpec().getMetrics()).hasSize(2);
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).list().getItems()).hasSize(1);
        assertThat(custom("PrometheusRule").inNamespace(NAMESPACE).list().getItems()).hasSize(1);
        long builtIn = manifests.stream().filter(m -> !PLURALS.containsKey(m.kind())).count();
        assertThat(builtIn).isEqualTo(manifests.size() - PLURALS.size());
    }

    private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> custom(String kind) {
        return client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("monitoring.coreos.com").withVersion("v1").withKind(kind).withPlural(PLURALS.get(kind))
                .withNamespaced(true).build());
    }

    /** The object without the server's metadata (uid, resourceVersion, timestamps). */
    private static Object specOf(HasMetadata o) {
        Map<String, Object> map = new java.util.LinkedHashMap<>(Manifests.yaml().load(
                new io.fabric8.kubernetes.client.utils.KubernetesSerialization().asYaml(o)));
        map.remove("metadata");
        map.remove("status");
        return map;
    }
}
