package dev.ramp.engine.rollout;

import dev.ramp.engine.analysis.AnalysisRunner;
import dev.ramp.engine.analysis.AnalysisTemplates;
import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisMetric;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunSpec;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.CanaryStatus.RolloutAnalysisRunStatus;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutAnalysis;
import dev.ramp.engine.model.RolloutLabels;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Rollout's AnalysisRuns as one reconcile sees them: their names, labels and specs, the runs
 * observed, and what a finished run says.
 *
 * <p>Names are Argo's ({@code <rollout>-<podHash>-<revision>} for background analysis, {@code
 * -<stepIndex>} appended for a step) but derived only from the spec and the status, never from a
 * collision counter: a controller that crashed after creating a run and before writing the status
 * derives the same name and adopts the run. A retry ({@code status.retries} > 0) appends {@code
 * .<retries>}, so it makes new runs (Argo re-uses the failed one, argo-rollouts #2824); a
 * background run made again after a promote past an Inconclusive one appends {@code -b<n>}.
 */
final class AnalysisRuns {
  /** Argo's labels on a Rollout's runs. */
  static final String TYPE_LABEL = "rollout-type";

  static final String STEP_INDEX_LABEL = "step-index";
  static final String TYPE_STEP = "Step";
  static final String TYPE_BACKGROUND = "Background";

  static final String SUCCESSFUL = "Successful";
  static final String FAILED = "Failed";
  static final String ERROR = "Error";
  static final String INCONCLUSIVE = "Inconclusive";
  static final String PENDING = "Pending";

  /** The run could not be made: a template is missing, an arg cannot be resolved. */
  static final class Unbuildable extends Exception {
    Unbuildable(String message) {
      super(message);
    }
  }

  private final Reconcile r;

  AnalysisRuns(Reconcile r) {
    this.r = r;
  }

  private String prefix(int revision) {
    return r.rollout.getMetadata().getName() + "-" + r.hash + "-" + revision;
  }

  private String retrySuffix() {
    int retries = r.st.retries == null ? 0 : r.st.retries;
    return retries > 0 ? "." + retries : "";
  }

  /** The name of step {@code idx}'s run for this pod template, revision and retry. */
  String stepName(int revision, int idx) {
    return prefix(revision) + "-" + idx + retrySuffix();
  }

  /** The name of a blue-green promotion run ({@code pre} or {@code post}), as Argo names it. */
  String promotionName(int revision, String suffix) {
    return prefix(revision) + "-" + suffix + retrySuffix();
  }

  /** The name of the {@code n}th background run (0: the first) for this template and retry. */
  String backgroundName(int revision, int n) {
    return prefix(revision) + (n > 0 ? "-b" + n : "") + retrySuffix();
  }

  /** Which background run {@code name} is for this template and retry; -1 when none. */
  int backgroundNumber(int revision, String name) {
    String head = prefix(revision);
    String tail = retrySuffix();
    if (name == null || !name.startsWith(head) || !name.endsWith(tail)) {
      return -1;
    }
    String middle = name.substring(head.length(), name.length() - tail.length());
    if (middle.isEmpty()) {
      return 0;
    }
    if (middle.matches("-b[1-9][0-9]{0,8}")) {
      return Integer.parseInt(middle.substring(2));
    }
    return -1;
  }

  /** The observed run of that name, or null. */
  AnalysisRun find(String name) {
    return r.observed.analysis().runs().stream()
        .filter(run -> name.equals(run.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  /** A run's phase as written; Pending before the AnalysisRun controller wrote one. */
  static String phase(AnalysisRun run) {
    AnalysisRunStatus s = run.getStatus();
    return s == null || s.phase == null || s.phase.isEmpty() ? PENDING : s.phase;
  }

  static boolean completed(AnalysisRun run) {
    return AnalysisRunner.completed(run.getStatus());
  }

  /** The status entry of an observed run; a Failed or Error run's says why, with the value. */
  static RolloutAnalysisRunStatus entry(AnalysisRun run) {
    String phase = phase(run);
    String message =
        FAILED.equals(phase) || ERROR.equals(phase)
            ? failure(run)
            : run.getStatus() == null ? null : run.getStatus().message;
    return new RolloutAnalysisRunStatus(run.getMetadata().getName(), phase, message);
  }

  /**
   * Why a run failed: its message (which names the metric and the limit it broke), the failing
   * metric's last measured value and its conditions (argo-rollouts #2658).
   */
  static String failure(AnalysisRun run) {
    AnalysisRunStatus s = run.getStatus();
    String phase = phase(run);
    AnalysisRunStatus.MetricResult failing = failingMetric(run);
    String message =
        s.message != null && !s.message.isBlank()
            ? s.message
            : failing == null
                ? "AnalysisRun assessed " + phase
                : "Metric \"" + failing.name + "\" assessed " + phase;
    if (failing == null) {
      return message;
    }
    List<String> detail = new ArrayList<>();
    String last = lastValue(failing);
    if (last != null) {
      detail.add("last value " + last);
    }
    AnalysisMetric metric = metric(run, failing.name);
    if (metric != null && metric.successCondition != null) {
      detail.add("successCondition " + metric.successCondition);
    }
    if (metric != null && metric.failureCondition != null) {
      detail.add("failureCondition " + metric.failureCondition);
    }
    return detail.isEmpty() ? message : message + ": " + String.join(", ", detail);
  }

  private static AnalysisRunStatus.MetricResult failingMetric(AnalysisRun run) {
    List<AnalysisRunStatus.MetricResult> results =
        run.getStatus().metricResults == null ? List.of() : run.getStatus().metricResults;
    String message = run.getStatus().message == null ? "" : run.getStatus().message;
    AnalysisRunStatus.MetricResult samePhase = null;
    for (AnalysisRunStatus.MetricResult m : results) {
      if (Boolean.TRUE.equals(m.dryRun)) {
        continue;
      }
      if (message.contains("\"" + m.name + "\"")) {
        return m;
      }
      if (samePhase == null && phase(run).equals(m.phase)) {
        samePhase = m;
      }
    }
    return samePhase;
  }

  private static String lastValue(AnalysisRunStatus.MetricResult m) {
    if (m.measurements == null) {
      return null;
    }
    for (int i = m.measurements.size() - 1; i >= 0; i--) {
      String v = m.measurements.get(i).value;
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  private static AnalysisMetric metric(AnalysisRun run, String name) {
    if (run.getSpec() == null || run.getSpec().metrics == null) {
      return null;
    }
    return run.getSpec().metrics.stream().filter(m -> name.equals(m.name)).findFirst().orElse(null);
  }

  /** The templates of {@code a}, flattened with the observed lookup. */
  static AnalysisTemplateSpec flatten(RolloutAnalysis a, AnalysisTemplates.Lookup lookup)
      throws AnalysisTemplates.Unresolvable {
    AnalysisTemplateSpec root = new AnalysisTemplateSpec();
    root.templates = a.templates;
    return AnalysisTemplates.flatten(root, lookup);
  }

  /**
   * The run to create for {@code a}: templates flattened, the Rollout's args resolved ({@code
   * fieldRef}, {@code podTemplateHashValue}) and merged over the templates', Argo's labels, owned
   * by the Rollout.
   */
  AnalysisRun build(RolloutAnalysis a, String name, int revision, Map<String, String> typeLabels)
      throws Unbuildable {
    List<AnalysisArgument> args = AnalysisArgs.resolve(a.args, r);
    AnalysisRunSpec spec;
    try {
      spec =
          AnalysisTemplates.runSpec(
              flatten(a, r.observed.analysis().templates()),
              args,
              a.dryRun,
              a.measurementRetention);
    } catch (AnalysisTemplates.Unresolvable e) {
      throw new Unbuildable(e.getMessage());
    }
    Rollout ro = r.rollout;
    Map<String, String> labels = new LinkedHashMap<>(typeLabels);
    labels.put(RolloutLabels.POD_TEMPLATE_HASH, r.hash);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(RolloutLabels.REVISION, Integer.toString(revision));
    if (a.analysisRunMetadata != null) {
      putAll(labels, a.analysisRunMetadata.labels);
      putAll(annotations, a.analysisRunMetadata.annotations);
    }
    putAll(labels, r.spec.selector.getMatchLabels());
    AnalysisRun run = new AnalysisRun();
    run.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(ro.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(Rollout.API_VERSION)
                    .withKind("Rollout")
                    .withName(ro.getMetadata().getName())
                    .withUid(ro.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());
    run.setSpec(spec);
    return run;
  }

  private static void putAll(Map<String, String> into, Map<String, String> from) {
    if (from != null) {
      into.putAll(from);
    }
  }

  /** Creates the run (or adopts it when it exists): the reconcile writes it before the status. */
  void create(AnalysisRun run) {
    r.runCreates.add(run);
  }

  /** The labels of step {@code idx}'s run. */
  static Map<String, String> stepLabels(int idx) {
    return Map.of(TYPE_LABEL, TYPE_STEP, STEP_INDEX_LABEL, Integer.toString(idx));
  }

  static Map<String, String> backgroundLabels() {
    return Map.of(TYPE_LABEL, TYPE_BACKGROUND);
  }
}
