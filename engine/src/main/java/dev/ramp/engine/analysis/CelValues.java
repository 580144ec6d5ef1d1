package dev.ramp.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A measurement's result, as JSON, to CEL values. Every number is a CEL {@code double}, as every
 * JSON number is a float64 in Argo: {@code result / 2} of a {@code 3} is {@code 1.5}, and {@code
 * result == 1} and {@code result >= 0.95} hold for a {@code 1} by CEL's heterogeneous equality and
 * numeric comparisons. NaN and the infinities arrive as Jackson doubles (JSON text has no spelling
 * for them). A missing result and JSON {@code null} are CEL {@code null}.
 */
final class CelValues {
  private CelValues() {}

  static Object of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(element -> list.add(of(element)));
      return Collections.unmodifiableList(list);
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(field -> map.put(field.getKey(), of(field.getValue())));
      return Collections.unmodifiableMap(map);
    }
    // Binary and POJO nodes do not come out of a JSON measurement; read them as their text.
    return node.asText();
  }

  /** True for a null result or an empty list: no data from the provider. */
  static boolean isNoData(Object value) {
    return value instanceof NullValue || (value instanceof List<?> list && list.isEmpty());
  }
}
