package dev.ramp.engine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The CRUD dispatcher with JSON merge patches as RFC 7386 says: the mock's own merge appends to
 * arrays and keeps nulls, so a status patch would duplicate conditions.
 */
final class RfcMergeDispatcher extends KubernetesCrudDispatcher {

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
