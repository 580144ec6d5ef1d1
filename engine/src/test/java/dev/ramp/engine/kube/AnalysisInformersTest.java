package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisInformersTest {

  static CanaryStep analysis(String templates) throws Exception {
    CanaryStep s = new CanaryStep();
    s.analysis =
        Json.MAPPER.readValue(
            "{\"templates\":" + templates + "}", dev.ramp.engine.model.RolloutAnalysis.class);
    return s;
  }

  @Test
  void theTemplatesARolloutNamesInStepsAndBackgroundAnalysisAreItsIndexKeys() throws Exception {
    Rollout r =
        Cluster.rollout(
            "demo",
            1,
            List.of(
                analysis(
                    "[{\"templateName\":\"rate\"},{\"templateName\":\"shared\","
                        + "\"clusterScope\":true}]"),
                CanaryStep.setWeight(50),
                analysis("[{\"templateName\":\"rate\"}]")));
    r.getSpec().strategy.canary.analysis =
        Json.MAPPER.readValue(
            "{\"templates\":[{\"templateName\":\"background\"}]}",
            dev.ramp.engine.model.RolloutAnalysisBackground.class);
    assertThat(AnalysisInformers.templatesNamedBy(r))
        .containsExactly(
            "AnalysisTemplate/default/background",
            "AnalysisTemplate/default/rate",
            "ClusterAnalysisTemplate/shared");
  }

  @Test
  void referencesWithoutANameAreSkipped() throws Exception {
    Rollout r =
        Cluster.rollout(
            "demo", 1, List.of(analysis("[{\"templateName\":\"\"},{\"clusterScope\":true}]")));
    assertThat(AnalysisInformers.templatesNamedBy(r)).isEmpty();
    assertThat(AnalysisInformers.templatesNamedBy(Cluster.rollout("plain", 1, List.of())))
        .isEmpty();
  }
}
