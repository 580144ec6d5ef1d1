package dev.ramp.plugins.gatewayapi;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.PluginException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Reads and writes routes through a {@link RouteStore}: read, edit, write with the resourceVersion
 * that was read, and on 409 Conflict read again and edit again, a bounded number of times. An edit
 * that changes nothing writes nothing, so a repeated call leaves the route's generation alone.
 */
final class RouteUpdater {

  /** Attempts of one read-modify-write before the call gives up (the controller retries later). */
  static final int MAX_ATTEMPTS = 5;

  private final RouteStore store;

  RouteUpdater(RouteStore store) {
    this.store = store;
  }

  /** The route, read now; a route that does not exist is the config's fault. */
  <R extends HasMetadata> R read(RouteEdits<R, ?, ?> edits, Target target, String namespace) {
    R route =
        call(
            "reading " + edits.kind().kind() + " " + namespace + "/" + target.name(),
            () -> store.get(edits.type(), namespace, target.name()));
    if (route == null) {
      throw new InvalidConfigException(
          target.field(),
          "no "
              + edits.kind().kind()
              + " '"
              + target.name()
              + "' in namespace '"
              + namespace
              + "'; create it first or fix the name");
    }
    return route;
  }

  <R extends HasMetadata> List<R> list(
      RouteKind kind, Class<R> type, String namespace, LabelSelector selector) {
    return call(
        "listing " + kind.kind() + "s in " + namespace,
        () -> store.list(type, namespace, selector));
  }

  /**
   * Applies {@code edit} to the stored route and writes the result, retrying on conflicts.
   *
   * @return the route as stored afterwards
   */
  <R extends HasMetadata> R edit(
      RouteEdits<R, ?, ?> edits, Target target, String namespace, UnaryOperator<R> edit) {
    String what = "updating " + edits.kind().kind() + " " + namespace + "/" + target.name();
    for (int attempt = 1; ; attempt++) {
      R current = read(edits, target, namespace);
      R next = edit.apply(current);
      if (next.equals(current)) {
        return current;
      }
      try {
        return store.update(next);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw KubernetesErrors.map(what, e);
        }
        if (attempt >= MAX_ATTEMPTS) {
          throw new PluginException(
              PluginException.Reason.FAILED_PRECONDITION,
              what
                  + ": another writer changed the route between each of "
                  + MAX_ATTEMPTS
                  + " reads and writes (409 Conflict); the controller will try again",
              e);
        }
      }
    }
  }

  private static <T> T call(String what, Supplier<T> request) {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.map(what, e);
    }
  }
}
