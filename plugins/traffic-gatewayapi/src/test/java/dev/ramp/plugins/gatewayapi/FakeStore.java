package dev.ramp.plugins.gatewayapi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * An API server in a map, for unit tests: stores copies, assigns resourceVersions, bumps the
 * generation when the spec changes, answers 409 to a write with a stale resourceVersion and keeps
 * the stored status on a write of the main resource, as a real server does for a resource with a
 * status subresource. {@link #beforeUpdate} lets another writer in between a read and a write.
 */
final class FakeStore implements RouteStore {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final Map<String, HasMetadata> objects = new LinkedHashMap<>();
  private final Queue<KubernetesClientException> failures = new ArrayDeque<>();
  private long resourceVersion = 100;
  private Consumer<FakeStore> beforeUpdate = store -> {};
  private Consumer<Map<String, Object>> schema = object -> {};
  int updates;
  int conflicts;

  /** Stores a new object (generation 1), as a create would. */
  <R extends HasMetadata> R create(R object) {
    R copy = SERIALIZATION.clone(object);
    copy.getMetadata().setGeneration(1L);
    copy.getMetadata().setResourceVersion(String.valueOf(++resourceVersion));
    objects.put(key(copy), copy);
    return SERIALIZATION.clone(copy);
  }

  /** Another writer's change, straight into the store (spec changes bump the generation). */
  <R extends HasMetadata> void modify(
      Class<R> type, String namespace, String name, UnaryOperator<R> change) {
    R stored = type.cast(objects.get(key(type, namespace, name)));
    R changed = change.apply(SERIALIZATION.clone(stored));
    store(stored, changed, true);
  }

  /** The status writer of a Gateway implementation. */
  <R extends HasMetadata> void writeStatus(
      Class<R> type, String namespace, String name, Consumer<R> status) {
    R stored = type.cast(objects.get(key(type, namespace, name)));
    R changed = SERIALIZATION.clone(stored);
    status.accept(changed);
    changed.getMetadata().setResourceVersion(String.valueOf(++resourceVersion));
    objects.put(key(changed), changed);
  }

  /** What the server's schema does to a written object (pruning fields it does not know). */
  void schema(Consumer<Map<String, Object>> schema) {
    this.schema = schema;
  }

  void beforeUpdate(Consumer<FakeStore> hook) {
    this.beforeUpdate = hook;
  }

  /** The next call fails with this status code. */
  void failNext(int code) {
    failures.add(new KubernetesClientException("injected failure " + code, code, null));
  }

  <R extends HasMetadata> R stored(Class<R> type, String namespace, String name) {
    HasMetadata stored = objects.get(key(type, namespace, name));
    return stored == null ? null : SERIALIZATION.clone(type.cast(stored));
  }

  @Override
  public <R extends HasMetadata> R get(Class<R> type, String namespace, String name) {
    failIfAsked();
    return stored(type, namespace, name);
  }

  @Override
  public <R extends HasMetadata> List<R> list(
      Class<R> type, String namespace, LabelSelector selector) {
    failIfAsked();
    List<R> found = new ArrayList<>();
    for (HasMetadata object : objects.values()) {
      if (type.isInstance(object)
          && namespace.equals(object.getMetadata().getNamespace())
          && matches(selector, object.getMetadata().getLabels())) {
        found.add(SERIALIZATION.clone(type.cast(object)));
      }
    }
    return found;
  }

  @Override
  public <R extends HasMetadata> R update(R route) {
    Consumer<FakeStore> hook = beforeUpdate;
    beforeUpdate = store -> {};
    hook.accept(this);
    failIfAsked();
    updates++;
    HasMetadata stored = objects.get(key(route));
    if (stored == null) {
      throw new KubernetesClientException("not found", 404, null);
    }
    if (!Objects.equals(
        stored.getMetadata().getResourceVersion(), route.getMetadata().getResourceVersion())) {
      conflicts++;
      throw new KubernetesClientException("the object has been modified", 409, null);
    }
    return SERIALIZATION.clone(store(stored, route, false));
  }

  @SuppressWarnings("unchecked")
  private <R extends HasMetadata> R store(HasMetadata stored, R next, boolean keepStatus) {
    R copy = SERIALIZATION.clone(next);
    Map<String, Object> before = SERIALIZATION.convertValue(stored, Map.class);
    Map<String, Object> after = SERIALIZATION.convertValue(copy, Map.class);
    if (!keepStatus) {
      // The main resource's write ignores the status: put the stored one back.
      after.put("status", before.get("status"));
      schema.accept(after);
      copy = (R) SERIALIZATION.convertValue(after, copy.getClass());
    }
    long generation = stored.getMetadata().getGeneration();
    if (!Objects.equals(before.get("spec"), after.get("spec"))) {
      generation++;
    }
    copy.getMetadata().setGeneration(generation);
    copy.getMetadata().setResourceVersion(String.valueOf(++resourceVersion));
    objects.put(key(copy), copy);
    return copy;
  }

  private void failIfAsked() {
    KubernetesClientException failure = failures.poll();
    if (failure != null) {
      throw failure;
    }
  }

  private static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> have = labels == null ? Map.of() : labels;
    return selector.getMatchLabels().entrySet().stream()
        .allMatch(e -> e.getValue().equals(have.get(e.getKey())));
  }

  private static String key(HasMetadata object) {
    return key(
        object.getClass(), object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  private static String key(Class<?> type, String namespace, String name) {
    return type.getSimpleName() + "/" + namespace + "/" + name;
  }
}
