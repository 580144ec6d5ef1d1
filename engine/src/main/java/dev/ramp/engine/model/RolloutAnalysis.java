package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A Rollout's analysis, as Argo's {@code RolloutAnalysis}: an {@code analysis} step, and the base
 * of background analysis. The templates are flattened into one AnalysisRun; the Rollout's {@code
 * args} override the templates' ({@code valueFrom.fieldRef} and {@code podTemplateHashValue} are
 * resolved from the Rollout when the run is made).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RolloutAnalysis {
  public List<AnalysisTemplateSpec.TemplateRef> templates;
  public List<AnalysisArgument> args;
  public List<AnalysisTemplateSpec.DryRun> dryRun;
  public List<AnalysisTemplateSpec.MeasurementRetention> measurementRetention;
  public RunMetadata analysisRunMetadata;

  /** Labels and annotations added to the AnalysisRun. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class RunMetadata {
    public Map<String, String> labels;
    public Map<String, String> annotations;
  }
}
