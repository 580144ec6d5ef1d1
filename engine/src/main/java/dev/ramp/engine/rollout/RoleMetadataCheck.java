package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AntiAffinity;
import dev.ramp.engine.model.PodTemplateMetadata;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.RolloutSpec;
import java.util.List;
import java.util.Map;

/**
 * Validates the pod metadata by role ({@code activeMetadata}, {@code previewMetadata}, {@code
 * canaryMetadata}, {@code stableMetadata}) and {@code antiAffinity}, for either strategy.
 */
final class RoleMetadataCheck {
  private RoleMetadataCheck() {}

  static void checkBlueGreen(RolloutSpec spec, List<String> errors) {
    var b = spec.strategy.blueGreen;
    String at = BlueGreenCheck.BLUE_GREEN;
    check(b.activeMetadata, at + ".activeMetadata", spec.template, errors);
    check(b.previewMetadata, at + ".previewMetadata", spec.template, errors);
    checkAntiAffinity(b.antiAffinity, at + ".antiAffinity", errors);
  }

  static void checkCanary(RolloutSpec spec, List<String> errors) {
    var c = spec.strategy.canary;
    String at = "spec.strategy.canary";
    check(c.canaryMetadata, at + ".canaryMetadata", spec.template, errors);
    check(c.stableMetadata, at + ".stableMetadata", spec.template, errors);
    checkAntiAffinity(c.antiAffinity, at + ".antiAffinity", errors);
  }

  /**
   * A role's label or annotation may not be one the pod template sets itself (Ramp would overwrite
   * it, then remove it when the role ends), nor the pod-template hash that Services select by.
   */
  static void check(PodTemplateMetadata m, String field, JsonNode template, List<String> errors) {
    if (m == null) {
      return;
    }
    JsonNode meta = template == null ? null : template.path("metadata");
    keys(m.labels, field + ".labels", meta == null ? null : meta.path("labels"), "labels", errors);
    if (m.labels != null) {
      m.labels.forEach(
          (key, value) -> {
            if (value != null && !PodTemplateCheck.labelValue(value)) {
              errors.add(
                  field
                      + ".labels."
                      + key
                      + ": \""
                      + value
                      + "\" is not a valid label value (at most 63 characters: letters, digits,"
                      + " '-', '_', '.', beginning and ending with a letter or digit)");
            }
          });
    }
    keys(
        m.annotations,
        field + ".annotations",
        meta == null ? null : meta.path("annotations"),
        "annotations",
        errors);
  }

  private static void keys(
      Map<String, String> values, String field, JsonNode own, String ownName, List<String> errors) {
    if (values == null) {
      return;
    }
    values.forEach(
        (key, value) -> {
          if (key == null || key.isBlank()) {
            errors.add(field + ": an empty key");
          } else if (!PodTemplateCheck.qualifiedName(key)) {
            errors.add(
                field
                    + "."
                    + key
                    + ": not a valid key ([prefix/]name: a DNS subdomain prefix, a name of at most"
                    + " 63 letters, digits, '-', '_', '.')");
          } else if (key.equals(RolloutLabels.POD_TEMPLATE_HASH)
              || key.startsWith("rollout.ramp.dev/")) {
            errors.add(field + "." + key + ": Ramp's own label (Services select by it); remove it");
          } else if (own != null && own.has(key)) {
            errors.add(
                field
                    + "."
                    + key
                    + ": also set in spec.template.metadata."
                    + ownName
                    + "; the role would overwrite it and remove it when the role ends");
          } else if (value == null) {
            errors.add(field + "." + key + ": no value");
          }
        });
  }

  /** Exactly one of the two kinds, and a preference's weight from 1 to 100 (as Argo). */
  static void checkAntiAffinity(AntiAffinity a, String field, List<String> errors) {
    if (a == null) {
      return;
    }
    boolean preferred = a.preferredDuringSchedulingIgnoredDuringExecution != null;
    boolean required = a.requiredDuringSchedulingIgnoredDuringExecution != null;
    if (preferred == required) {
      errors.add(
          field
              + ": name exactly one of preferredDuringSchedulingIgnoredDuringExecution and"
              + " requiredDuringSchedulingIgnoredDuringExecution");
      return;
    }
    if (preferred) {
      Integer w = a.preferredDuringSchedulingIgnoredDuringExecution.weight;
      if (w == null || w < 1 || w > 100) {
        errors.add(
            field
                + ".preferredDuringSchedulingIgnoredDuringExecution.weight: "
                + (w == null ? "missing" : w)
                + "; use 1 to 100");
      }
    }
  }
}
