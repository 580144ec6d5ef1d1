package dev.ramp.tests.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.Rollout;
import org.junit.jupiter.api.Test;

/**
 * The sequential judge ({@code mode: sequential}) end to end in {@link JudgeWorld}: a look every 2
 * s at both versions' raw counters in Debian's Prometheus, one RUNNING measurement resumed at each
 * look, the horizon at the metric's count × interval. Asserted on the looks and measurements taken,
 * never on time.
 */
class SequentialJudgeEndToEndIT extends JudgeWorld {

  @Test
  void aCanaryWithFiveTimesTheErrorsIsAbortedBeforeTheHorizon() throws Exception {
    start(5);
    String v2 = canaryAtThePeak("sequential.yaml", "COUNT", "30", "ALPHA", "0.05");

    Rollout aborted =
        await(
            r ->
                "Degraded".equals(r.getStatus().phase) && Boolean.TRUE.equals(r.getStatus().abort));
    assertThat(aborted.getStatus().currentPodHash).isEqualTo(v2);
    assertThat(aborted.getStatus().message)
        .as(describe())
        .contains("sequential judge Failed at look ")
        .contains("the canary's error rate is higher than stable's");
    AnalysisRun run = runs().get(0);
    assertThat(run.getStatus().phase).as(describe()).isEqualTo("Failed");
    AnalysisRunStatus.MetricResult judge = metric(run, "judge");
    assertThat(judge.phase).isEqualTo("Failed");
    // one measurement, resumed look by look, ended well before the 30 looks of the horizon
    assertThat(judge.measurements).as(describe()).hasSize(1);
    AnalysisRunStatus.Measurement m = judge.measurements.get(0);
    assertThat(m.phase).isEqualTo("Failed");
    int looks = Integer.parseInt(m.metadata.get("judge.sequential.looks"));
    assertThat(looks).as(describe()).isBetween(1, 10);
    assertThat(Double.parseDouble(m.metadata.get("judge.sequential.eValue")))
        .isGreaterThanOrEqualTo(20);
    assertThat(Long.parseLong(m.metadata.get("judge.sequential.canaryRequests")))
        .isGreaterThanOrEqualTo(1000);
    assertThat(Double.parseDouble(m.metadata.get("judge.sequential.rateRatio"))).isGreaterThan(2);
  }

  @Test
  void aCanaryAsGoodAsStableIsPromotedAtTheHorizonWithItsMinimumDetectableEffect()
      throws Exception {
    start(1);
    // α 0.001: a false failure of this test is at most 1 in 1000 runs (Ville's inequality)
    String v2 = canaryAtThePeak("sequential.yaml", "COUNT", "8", "ALPHA", "0.001");

    Rollout done =
        await(r -> "Healthy".equals(r.getStatus().phase) && v2.equals(r.getStatus().stableRS));
    assertThat(done.getStatus().abort).isNotEqualTo(Boolean.TRUE);
    AnalysisRun run = runs().get(0);
    assertThat(run.getStatus().phase).as(describe()).isEqualTo("Successful");
    AnalysisRunStatus.MetricResult judge = metric(run, "judge");
    assertThat(judge.measurements).as(describe()).hasSize(1);
    AnalysisRunStatus.Measurement m = judge.measurements.get(0);
    assertThat(m.metadata)
        .as(describe())
        .containsEntry("judge.sequential.outcome", "Successful")
        .containsKey("judge.sequential.minimumDetectableRatio");
    assertThat(m.message).contains("horizon 16s reached").contains("minimum detectable rate ratio");
    assertThat(Integer.parseInt(m.metadata.get("judge.sequential.looks"))).isBetween(1, 8);
  }
}
