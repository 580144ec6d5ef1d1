package dev.ramp.engine.rollout;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Label selectors rendered as strings, as kubectl and the scale subresource show them. */
final class Labels {
  private Labels() {}

  static String describe(LabelSelector sel) {
    List<String> parts = new ArrayList<>();
    if (sel.getMatchLabels() != null) {
      new TreeMap<>(sel.getMatchLabels()).forEach((k, v) -> parts.add(k + "=" + v));
    }
    if (sel.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : sel.getMatchExpressions()) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        parts.add(
            switch (r.getOperator()) {
              case "In" -> r.getKey() + " in (" + String.join(",", values) + ")";
              case "NotIn" -> r.getKey() + " notin (" + String.join(",", values) + ")";
              case "Exists" -> r.getKey();
              default -> "!" + r.getKey();
            });
      }
    }
    return String.join(",", parts);
  }

  static String describe(Map<String, String> labels) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(labels).forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }
}
