package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An AnalysisRun's spec, as Argo names it: the metrics and args copied from its templates, and
 * {@code terminate}, which stops the run after its in-flight measurements.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AnalysisRunSpec {
  public List<AnalysisMetric> metrics;
  public List<AnalysisArgument> args;
  public List<AnalysisTemplateSpec.DryRun> dryRun;
  public List<AnalysisTemplateSpec.MeasurementRetention> measurementRetention;
  public Boolean terminate;
}
