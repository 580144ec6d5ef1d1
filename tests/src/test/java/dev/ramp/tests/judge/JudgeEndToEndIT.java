package dev.ramp.tests.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.Rollout;
import org.junit.jupiter.api.Test;

/**
 * The canary judge (Kayenta's Mann-Whitney, the fixed-horizon mode) end to end in {@link
 * JudgeWorld}: the AnalysisRun compares the canary with stable over the same seconds, and a fixed
 * "success rate >= 99 %" web metric runs beside it as a dry run.
 */
class JudgeEndToEndIT extends JudgeWorld {
  @Test
  void aCanaryAsGoodAsStablePassesAtThePeakWhereAFixedThresholdFails() throws Exception {
    start(1);
    String v2 = canaryAtThePeak();

    Rollout done =
        await(r -> "Healthy".equals(r.getStatus().phase) && v2.equals(r.getStatus().stableRS));
    assertThat(done.getStatus().abort).isNotEqualTo(Boolean.TRUE);
    AnalysisRun run = runs().get(0);
    assertThat(run.getStatus().phase).as(describe()).isEqualTo("Successful");
    AnalysisRunStatus.MetricResult judge = metric(run, "judge");
    assertThat(judge.phase).isEqualTo("Successful");
    AnalysisRunStatus.Measurement last = judge.measurements.get(judge.measurements.size() - 1);
    assertThat(last.metadata)
        .containsEntry("judge.error-rate.classification", "Pass")
        .containsKey("ramp.dev/table");
    assertThat(last.metadata.get("judge.error-rate.canarySamples")).isNotEqualTo("0");
    // the fixed threshold, measured on the canary in the same minutes, failed (a dry run)
    AnalysisRunStatus.MetricResult fixed = metric(run, "fixed-threshold");
    assertThat(fixed.phase).as(describe()).isEqualTo("Failed");
    assertThat(Double.parseDouble(fixed.measurements.get(0).value.replace("\"", "")))
        .isLessThan(0.99);
  }

  @Test
  void aCanaryWithThreeTimesTheErrorsIsAbortedWithTheJudgesTableInTheMessage() throws Exception {
    start(3);
    String v2 = canaryAtThePeak();

    Rollout aborted =
        await(
            r ->
                "Degraded".equals(r.getStatus().phase) && Boolean.TRUE.equals(r.getStatus().abort));
    assertThat(aborted.getStatus().currentPodHash).isEqualTo(v2);
    assertThat(aborted.getStatus().message)
        .as(describe())
        .contains("judge score 0 (Failed; pass 95, marginal 75)")
        .contains("error-rate High critical, estimate")
        .contains("mean ratio ");
    AnalysisRun run = runs().get(0);
    assertThat(run.getStatus().phase).isEqualTo("Failed");
    assertThat(metric(run, "judge").phase).isEqualTo("Failed");
  }
}
