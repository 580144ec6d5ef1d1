package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.model.AnalysisRun;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Job a measurement of a {@code job} metric runs, built from the metric's {@code provider.job}
 * (metadata and spec) as Argo's {@code newMetricJob} builds it: named after the run's uid, the
 * metric and the measurement, labelled with the run's uid, annotated with the run and metric, and
 * controlled by the run.
 */
final class MetricJob {
  /** Job label (and pod template label) holding the owning run's uid; selects a run's Jobs. */
  static final String RUN_UID_LABEL = "analysisrun.ramp.dev/uid";

  static final String RUN_NAME_ANNOTATION = "analysisrun.ramp.dev/name";
  static final String RUN_NAMESPACE_ANNOTATION = "analysisrun.ramp.dev/namespace";
  static final String METRIC_ANNOTATION = "analysisrun.ramp.dev/metric-name";

  // The Job controller copies the Job's name into a label of its pods, and label values are
  // limited to 63 characters.
  private static final int NAME_LIMIT = 63;

  private static final Set<String> RESTART_POLICIES = Set.of("Never", "OnFailure");

  private MetricJob() {}

  /** A {@code provider.job} that cannot become a Job; the message says why. */
  static final class InvalidJobException extends IllegalArgumentException {
    InvalidJobException(String message) {
      super(message);
    }
  }

  /**
   * The Job for this measurement, in the run's namespace.
   *
   * @param rendered {@code provider.job} with its args rendered
   * @throws InvalidJobException when {@code rendered} is not a Job's metadata and spec
   */
  static Job build(
      AnalysisRun run, Measurer.Call call, JsonNode rendered, KubernetesSerialization json) {
    String uid = run.getMetadata().getUid();
    if (uid == null || uid.isEmpty()) {
      throw new InvalidJobException("the AnalysisRun has no uid (it is not stored yet)");
    }
    if (rendered == null || !rendered.isObject()) {
      throw new InvalidJobException("provider.job must be an object with metadata and spec");
    }
    ObjectMeta given = convert(rendered.get("metadata"), ObjectMeta.class, "metadata", json);
    JobSpec spec = convert(rendered.get("spec"), JobSpec.class, "spec", json);
    if (spec == null) {
      throw new InvalidJobException("provider.job.spec is missing");
    }
    check(spec);

    Map<String, String> labels = copy(given == null ? null : given.getLabels());
    labels.put(RUN_UID_LABEL, uid);
    Map<String, String> annotations = copy(given == null ? null : given.getAnnotations());
    annotations.put(RUN_NAME_ANNOTATION, run.getMetadata().getName());
    annotations.put(RUN_NAMESPACE_ANNOTATION, run.getMetadata().getNamespace());
    annotations.put(METRIC_ANNOTATION, call.metric());

    PodTemplateSpec template = spec.getTemplate();
    if (template.getMetadata() == null) {
      template.setMetadata(new ObjectMeta());
    }
    Map<String, String> podLabels = copy(template.getMetadata().getLabels());
    podLabels.put(RUN_UID_LABEL, uid);
    template.getMetadata().setLabels(podLabels);

    // Argo leaves out the owner reference when Jobs go to another namespace or cluster; Ramp
    // creates them in the run's namespace only, so the run always controls its Jobs.
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(uid, call.metric(), call.measurementIndex()))
        .withNamespace(run.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(controllerRef(run))
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  /**
   * {@code <run uid>.<metric>.<measurement index>}, the metric cut short to keep it within 63
   * characters, as Argo's {@code newJobName}. Argo's index is the count of measurements taken plus
   * one; Ramp's measurement index is that number kept by the run.
   */
  static String name(String uid, String metric, int index) {
    String name = uid + "." + metric + "." + index;
    if (name.length() <= NAME_LIMIT) {
      return name;
    }
    int keep = Math.max(0, metric.length() - (name.length() - NAME_LIMIT));
    // Unlike Argo, a cut that ends in '-' or '.' drops it: a DNS label cannot end with either.
    String cut = metric.substring(0, keep).replaceAll("[-.]+$", "");
    return uid + "." + cut + "." + index;
  }

  /** The run as the Job's controller, as {@code metav1.NewControllerRef} makes it. */
  static OwnerReference controllerRef(AnalysisRun run) {
    return new OwnerReferenceBuilder()
        .withApiVersion(HasMetadata.getApiVersion(AnalysisRun.class))
        .withKind(HasMetadata.getKind(AnalysisRun.class))
        .withName(run.getMetadata().getName())
        .withUid(run.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * What a real API server refuses at once, checked here too: the embedded world's server stores
   * anything, and Argo would only learn of these from a failed create.
   */
  private static void check(JobSpec spec) {
    PodTemplateSpec template = spec.getTemplate();
    if (template == null || template.getSpec() == null) {
      throw new InvalidJobException(
          "provider.job.spec.template is missing: a Job needs a pod template with containers");
    }
    if (template.getSpec().getContainers() == null
        || template.getSpec().getContainers().isEmpty()) {
      throw new InvalidJobException("provider.job.spec.template.spec.containers is empty");
    }
    String restart = template.getSpec().getRestartPolicy();
    if (!RESTART_POLICIES.contains(restart)) {
      throw new InvalidJobException(
          "provider.job.spec.template.spec.restartPolicy must be Never or OnFailure for a Job, not "
              + (restart == null ? "missing" : "\"" + restart + "\""));
    }
  }

  private static <T> T convert(
      JsonNode node, Class<T> type, String field, KubernetesSerialization json) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new InvalidJobException("provider.job." + field + " must be an object");
    }
    try {
      return json.convertValue(node, type);
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException(
          "provider.job." + field + " is not a Job's " + field + ": " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    return Optional.ofNullable(message).map(m -> m.lines().findFirst().orElse("")).orElse("");
  }

  private static Map<String, String> copy(Map<String, String> map) {
    return map == null ? new LinkedHashMap<>() : new LinkedHashMap<>(map);
  }
}
