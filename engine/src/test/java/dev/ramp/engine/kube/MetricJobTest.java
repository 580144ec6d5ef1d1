package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricJobTest {
  private static final String UID = "5f0c1d2e-0000-4000-8000-00000000c0de";

  @Test
  void aNameWithinTheLimitIsUidMetricAndIndex() {
    assertThat(MetricJob.name(UID, "smoke", 3)).isEqualTo(UID + ".smoke.3");
  }

  @Test
  void aLongMetricIsCutToKeepTheNameWithin63Characters() {
    String name = MetricJob.name(UID, "checkout-error-rate-against-baseline", 12);

    assertThat(name).hasSize(63).isEqualTo(UID + ".checkout-error-rate-aga.12");
  }

  @Test
  void aCutEndingInADashDropsIt() {
    // 36 + 1 + 1 + 2 = 40 characters besides the metric: 23 of it remain, "checkout-error-rate-to-"
    String name = MetricJob.name(UID, "checkout-error-rate-to-baseline", 12);

    assertThat(name).isEqualTo(UID + ".checkout-error-rate-to.12");
  }

  @Test
  void theOwningRunComesFromTheControllerReference() {
    Job job = job(Map.of(), Map.of());
    job.getMetadata()
        .getOwnerReferences()
        .add(
            new OwnerReferenceBuilder()
                .withApiVersion("ramp.dev/v1alpha1")
                .withKind("AnalysisRun")
                .withName("canary-7")
                .withUid(UID)
                .withController(true)
                .build());

    assertThat(JobMeasurements.owningRun(job)).contains("shop/canary-7");
  }

  @Test
  void elseFromTheLabelAndAnnotations() {
    Job job =
        job(
            Map.of(MetricJob.RUN_UID_LABEL, UID),
            Map.of(
                MetricJob.RUN_NAME_ANNOTATION, "canary-7",
                MetricJob.RUN_NAMESPACE_ANNOTATION, "shop"));

    assertThat(JobMeasurements.owningRun(job)).contains("shop/canary-7");
  }

  @Test
  void anotherJobHasNoOwningRun() {
    Job job = job(Map.of("app", "batch"), Map.of(MetricJob.RUN_NAME_ANNOTATION, "canary-7"));
    job.getMetadata()
        .getOwnerReferences()
        .add(
            new OwnerReferenceBuilder()
                .withApiVersion("batch/v1")
                .withKind("CronJob")
                .withName("nightly")
                .withController(true)
                .build());

    assertThat(JobMeasurements.owningRun(job)).isEmpty();
    assertThat(JobMeasurements.owningRun(null)).isEmpty();
  }

  private static Job job(Map<String, String> labels, Map<String, String> annotations) {
    Job job = new Job();
    job.setMetadata(
        new ObjectMetaBuilder()
            .withName("j")
            .withNamespace("shop")
            .withLabels(labels)
            .withAnnotations(annotations)
            .build());
    return job;
  }
}
