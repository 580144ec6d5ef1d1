package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/** An RFC 7386 JSON merge patch that turns one document into another. */
final class MergePatch {
  private MergePatch() {}

  static ObjectNode diff(JsonNode from, JsonNode to) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    if (from != null && from.isObject()) {
      for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!to.has(name) || to.get(name).isNull()) {
          patch.putNull(name);
        }
      }
    }
    for (Iterator<String> it = to.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      JsonNode value = to.get(name);
      if (value.isNull()) {
        continue;
      }
      JsonNode before = from == null ? null : from.get(name);
      if (value.isObject() && before != null && before.isObject()) {
        ObjectNode inner = diff(before, value);
        if (!inner.isEmpty()) {
          patch.set(name, inner);
        }
      } else if (!value.equals(before)) {
        patch.set(name, value);
      }
    }
    return patch;
  }
}
