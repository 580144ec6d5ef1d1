package dev.ramp.plugins.gatewayapi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * The three Kubernetes API calls this plugin makes on routes: the narrow seam a test replaces (to
 * let another writer in between a read and a write, or to fail a call).
 */
interface RouteStore {

  /** The route, or null when the namespace has none of that name. */
  <R extends HasMetadata> R get(Class<R> type, String namespace, String name);

  /** The routes of the namespace whose labels the selector matches. */
  <R extends HasMetadata> List<R> list(Class<R> type, String namespace, LabelSelector selector);

  /**
   * Replaces the route's spec and metadata if its {@code metadata.resourceVersion} is still the
   * stored one (the API server answers 409 Conflict otherwise, thrown as a {@link
   * io.fabric8.kubernetes.client.KubernetesClientException} with code 409). The status is the
   * Gateway implementation's: a server ignores it in this write.
   */
  <R extends HasMetadata> R update(R route);
}
