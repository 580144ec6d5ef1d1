package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Rollout's args of an analysis, resolved when the run is made, as Argo's {@code
 * BuildArgumentsForRolloutAnalysisRun}: {@code podTemplateHashValue} {@code Latest} is the canary's
 * pod-template hash, {@code Stable} the stable one's; {@code fieldRef} reads the Rollout ({@code
 * metadata.name}, {@code metadata.labels['k']}, {@code spec.template.spec.containers[0].image}, …).
 * The run gets the values, so it measures what the Rollout was when the run started.
 */
final class AnalysisArgs {
  private static final Pattern META_MAP =
      Pattern.compile("metadata\\.(labels|annotations)\\['([^']*)'\\]");

  private AnalysisArgs() {}

  static List<AnalysisArgument> resolve(List<AnalysisArgument> args, Reconcile r)
      throws AnalysisRuns.Unbuildable {
    List<AnalysisArgument> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (AnalysisArgument arg : args == null ? List.<AnalysisArgument>of() : args) {
      AnalysisArgument.ValueFrom from = arg.valueFrom;
      if (from == null || (from.podTemplateHashValue == null && from.fieldRef == null)) {
        out.add(Json.copy(arg, AnalysisArgument.class));
      } else if (from.podTemplateHashValue != null) {
        String hash = "Stable".equals(from.podTemplateHashValue) ? r.st.stableRS : r.hash;
        out.add(new AnalysisArgument(arg.name, Reconcile.nz(hash)));
      } else {
        String value = field(r, from.fieldRef.fieldPath);
        if (value == null) {
          problems.add(
              "args: arg \""
                  + arg.name
                  + "\": fieldRef "
                  + from.fieldRef.fieldPath
                  + " is not a value of the Rollout");
        } else {
          out.add(new AnalysisArgument(arg.name, value));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new AnalysisRuns.Unbuildable(String.join("; ", problems));
    }
    return out;
  }

  /** The Rollout's value at {@code path}, as text; null when there is none or it is not a value. */
  static String field(Reconcile r, String path) {
    Matcher m = META_MAP.matcher(path);
    if (m.matches()) {
      Map<String, String> map =
          "labels".equals(m.group(1))
              ? r.rollout.getMetadata().getLabels()
              : r.rollout.getMetadata().getAnnotations();
      return map == null ? null : map.get(m.group(2));
    }
    JsonNode node = Json.tree(r.rollout);
    for (String section : path.split("[.\\[\\]]+")) {
      if (section.isEmpty()) {
        continue;
      }
      if (node.isArray()) {
        if (!section.matches("[0-9]{1,9}")) {
          return null;
        }
        node = node.path(Integer.parseInt(section));
      } else {
        node = node.path(section);
      }
    }
    if (node.isMissingNode() || node.isNull() || node.isContainerNode()) {
      return null;
    }
    return node.asText();
  }
}
