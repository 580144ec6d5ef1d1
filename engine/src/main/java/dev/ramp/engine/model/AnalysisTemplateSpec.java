package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An AnalysisTemplate's (and ClusterAnalysisTemplate's) spec, as Argo names it. {@code templates}
 * nests other templates, whose metrics, args, dry-run and retention rules are merged in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AnalysisTemplateSpec {
  public List<AnalysisMetric> metrics;
  public List<AnalysisArgument> args;
  public List<DryRun> dryRun;
  public List<MeasurementRetention> measurementRetention;
  public List<TemplateRef> templates;

  /** A metric that is measured but never decides the run; {@code metricName} may be a regex. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class DryRun {
    public String metricName;
  }

  /** How many measurements a metric keeps in the run's status (Argo keeps 10). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class MeasurementRetention {
    public String metricName;
    public Integer limit;
  }

  /** A template nested in this one. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class TemplateRef {
    public String templateName;
    public Boolean clusterScope;
  }
}
