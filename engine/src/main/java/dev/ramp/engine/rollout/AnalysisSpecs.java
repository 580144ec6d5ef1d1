package dev.ramp.engine.rollout;

import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.RolloutAnalysis;
import dev.ramp.engine.model.RolloutAnalysisBackground;
import java.util.List;

/**
 * Validation of a Rollout's analysis ({@code analysis} steps, background analysis): the templates
 * are named, the args have names and one source each. Whether the templates exist is checked
 * against the cluster by {@link ValidateSpec}; {@code ramp lint} checks it against its files.
 */
final class AnalysisSpecs {
  private AnalysisSpecs() {}

  /** Adds every problem of {@code a} (at {@code field}) to {@code errors}. */
  static void check(RolloutAnalysis a, String field, List<String> errors) {
    if (a.templates == null || a.templates.isEmpty()) {
      errors.add(field + ".templates: at least one template is required");
    } else {
      for (int i = 0; i < a.templates.size(); i++) {
        AnalysisTemplateSpec.TemplateRef t = a.templates.get(i);
        if (t == null || t.templateName == null || t.templateName.isBlank()) {
          errors.add(field + ".templates[" + i + "].templateName: a template name is required");
        }
      }
    }
    List<AnalysisArgument> args = a.args == null ? List.of() : a.args;
    for (int i = 0; i < args.size(); i++) {
      checkArg(args.get(i), field + ".args[" + i + "]", errors);
    }
  }

  /** Background analysis: as a step's, and {@code startingStep} within the steps. */
  static void checkBackground(
      RolloutAnalysisBackground a, int steps, String field, List<String> errors) {
    check(a, field, errors);
    if (a.startingStep != null && (a.startingStep < 0 || a.startingStep > steps)) {
      errors.add(
          field + ".startingStep: " + a.startingStep + " is outside the steps (0-" + steps + ")");
    }
  }

  private static void checkArg(AnalysisArgument arg, String field, List<String> errors) {
    if (arg == null || arg.name == null || arg.name.isBlank()) {
      errors.add(field + ".name: an arg needs a name");
      return;
    }
    AnalysisArgument.ValueFrom from = arg.valueFrom;
    if (from == null) {
      if (arg.value == null) {
        errors.add(field + ": arg \"" + arg.name + "\" has neither value nor valueFrom");
      }
      return;
    }
    if (arg.value != null) {
      errors.add(field + ": arg \"" + arg.name + "\" sets both value and valueFrom; set one");
    }
    int sources =
        (from.podTemplateHashValue != null ? 1 : 0)
            + (from.fieldRef != null ? 1 : 0)
            + (from.secretKeyRef != null ? 1 : 0)
            + (from.configMapKeyRef != null ? 1 : 0);
    if (sources != 1) {
      errors.add(
          field
              + ".valueFrom: arg \""
              + arg.name
              + "\" needs exactly one of podTemplateHashValue, fieldRef (found "
              + sources
              + ")");
    } else if (from.podTemplateHashValue != null
        && !List.of("Latest", "Stable").contains(from.podTemplateHashValue)) {
      errors.add(
          field
              + ".valueFrom.podTemplateHashValue: \""
              + from.podTemplateHashValue
              + "\" is not Latest or Stable");
    } else if (from.fieldRef != null
        && (from.fieldRef.fieldPath == null || from.fieldRef.fieldPath.isBlank())) {
      errors.add(field + ".valueFrom.fieldRef.fieldPath: a field path is required");
    } else if (from.secretKeyRef != null || from.configMapKeyRef != null) {
      errors.add(
          field
              + ".valueFrom: a Rollout's arg takes podTemplateHashValue or fieldRef (as in Argo);"
              + " read Secrets and ConfigMaps in the template's args");
    }
  }
}
