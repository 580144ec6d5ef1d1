package dev.ramp.plugins.gatewayapi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Supplier;

/** The {@link RouteStore} of a real (or mock) API server, through fabric8. */
final class KubernetesRouteStore implements RouteStore {

  private final Supplier<KubernetesClient> client;

  KubernetesRouteStore(Supplier<KubernetesClient> client) {
    this.client = client;
  }

  @Override
  public <R extends HasMetadata> R get(Class<R> type, String namespace, String name) {
    return client.get().resources(type).inNamespace(namespace).withName(name).get();
  }

  @Override
  public <R extends HasMetadata> List<R> list(
      Class<R> type, String namespace, LabelSelector selector) {
    return client
        .get()
        .resources(type)
        .inNamespace(namespace)
        .withLabelSelector(selector)
        .list()
        .getItems();
  }

  @Override
  public <R extends HasMetadata> R update(R route) {
    // update() sends the object's resourceVersion: a PUT that the server refuses with 409 when
    // someone else wrote the route since it was read.
    return client.get().resource(route).update();
  }
}
