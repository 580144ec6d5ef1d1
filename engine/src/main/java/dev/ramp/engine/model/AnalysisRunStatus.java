package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** An AnalysisRun's status, as Argo names it; written whole by the AnalysisRun controller. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AnalysisRunStatus {
  /** Pending, Running, Successful, Failed, Error or Inconclusive. */
  public String phase;

  public String message;
  public String startedAt;
  public String completedAt;
  public List<MetricResult> metricResults;
  public RunSummary runSummary;
  public RunSummary dryRunSummary;

  /** One metric's result: its phase, counters and latest measurements. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class MetricResult {
    public String name;
    public String phase;
    public List<Measurement> measurements;
    public String message;
    public Integer count;
    public Integer successful;
    public Integer failed;
    public Integer inconclusive;
    public Integer error;
    public Integer consecutiveError;
    public Integer consecutiveSuccess;
    public Boolean dryRun;

    /** The provider's metadata of the metric (a resolved query, a plugin's GetMetadata). */
    public Map<String, String> metadata;
  }

  /** One measurement. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Measurement {
    public String phase;
    public String message;
    public String startedAt;
    public String finishedAt;
    public String resumeAt;
    public String value;
    public Map<String, String> metadata;
  }

  /** Metrics per assessment. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class RunSummary {
    public Integer count;
    public Integer successful;
    public Integer failed;
    public Integer inconclusive;
    public Integer error;
  }
}
