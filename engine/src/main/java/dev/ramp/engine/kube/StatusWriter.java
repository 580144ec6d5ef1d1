package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The one way a controller writes a status and reads what it plans from, for any custom resource
 * with a {@code /status} subresource (Rollouts; AnalysisRuns next):
 *
 * <ul>
 *   <li>a JSON merge patch of the difference, carrying the resourceVersion read — anything written
 *       since gets 409, the write is not made, and the reconcile starts again ({@link
 *       WorkQueue.RetryNow}); never a PUT of {@code /status}, which the embedded server would
 *       accept stale where a real one answers 409. This check also stops a deposed leader;
 *   <li>read your own writes ({@link OwnWrites}): a reconcile never plans from a copy older than
 *       the last successful write.
 * </ul>
 *
 * @param <T> the resource
 * @param <S> its status
 */
final class StatusWriter<T extends HasMetadata, S> {
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  private final KubernetesClient client;
  private final Class<T> type;
  private final Function<T, S> statusOf;
  private final OwnWrites<T> ownWrites = new OwnWrites<>();
  private volatile BiConsumer<T, S> beforeWrite = (read, status) -> {};

  StatusWriter(KubernetesClient client, Class<T> type, Function<T, S> statusOf) {
    this.client = client;
    this.type = type;
    this.statusOf = statusOf;
  }

  /** Called just before each write; a test throws from it to "kill" the controller there. */
  void beforeWrite(BiConsumer<T, S> hook) {
    this.beforeWrite = hook;
  }

  /** What to plan from: the informer's copy unless this controller's own last write is newer. */
  T read(String key, T cached) {
    return ownWrites.read(key, cached, () -> live(key));
  }

  /** The informer saw this object (an add or an update). */
  void observed(T obj) {
    ownWrites.observed(key(obj), obj);
  }

  /** The informer saw this object go. */
  void deleted(T obj) {
    ownWrites.deleted(key(obj));
  }

  /**
   * Writes {@code status} over the status of {@code read}.
   *
   * @throws WorkQueue.RetryNow when something else wrote the object since it was read
   */
  void write(T read, S status) {
    beforeWrite.accept(read, status);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("metadata").put("resourceVersion", read.getMetadata().getResourceVersion());
    S before = statusOf.apply(read);
    JsonNode from = before == null ? JsonNodeFactory.instance.objectNode() : Json.tree(before);
    body.set("status", MergePatch.diff(from, Json.tree(status)));
    String key = key(read);
    try {
      T written =
          client
              .resources(type)
              .inNamespace(read.getMetadata().getNamespace())
              .withName(read.getMetadata().getName())
              .subresource("status")
              .patch(MERGE, body.toString());
      ownWrites.wrote(key, read.getMetadata().getResourceVersion(), written);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // Somebody else wrote since the read: the next reconcile plans from the server's copy.
        ownWrites.conflicted(key);
        throw new WorkQueue.RetryNow(
            "status conflict at resourceVersion " + read.getMetadata().getResourceVersion());
      }
      throw e;
    }
  }

  /** How many objects are planned from this controller's own last write, not the cache. */
  int kept() {
    return ownWrites.size();
  }

  static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private T live(String key) {
    int slash = key.indexOf('/');
    return client
        .resources(type)
        .inNamespace(key.substring(0, slash))
        .withName(key.substring(slash + 1))
        .get();
  }
}
