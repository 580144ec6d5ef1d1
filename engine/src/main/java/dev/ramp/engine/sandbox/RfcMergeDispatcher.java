package dev.ramp.engine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;

/**
 * The CRUD dispatcher with JSON merge patches as RFC 7386 says: the mock's own merge appends to
 * arrays and keeps nulls, so a status patch would duplicate conditions. Objects are stamped with
 * the world's clock ({@code creationTimestamp}), not the machine's: in a sped-up rehearsal the two
 * part within seconds.
 */
final class RfcMergeDispatcher extends KubernetesCrudDispatcher {
  private final Clock clock;

  RfcMergeDispatcher(Clock clock) {
    this.clock = clock;
  }

  /**
   * Every stored change passes here; a create (no old attributes) gets its creation time from the
   * world's clock before it is stored and sent to watchers. (The body answered to the creator still
   * carries the mock's own stamp.)
   */
  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    String state = newState;
    if (oldAttributes == null && resource != null && newState != null) {
      resource
          .getMetadata()
          .setCreationTimestamp(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
      state = Serialization.asJson(resource);
    }
    super.processEvent(path, pathAttributes, oldAttributes, resource, state);
  }

  @Override
  public JsonNode merge(JsonNode current, String patch) throws KubernetesCrudDispatcherException {
    try {
      return mergeNode(current.deepCopy(), Serialization.jsonMapper().readTree(patch));
    } catch (IOException e) {
      throw new KubernetesCrudDispatcherException("invalid merge patch: " + e.getMessage(), 400);
    }
  }

  static JsonNode mergeNode(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode out =
        target != null && target.isObject()
            ? (ObjectNode) target
            : JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), mergeNode(out.get(e.getKey()), e.getValue()));
      }
    }
    return out;
  }
}
