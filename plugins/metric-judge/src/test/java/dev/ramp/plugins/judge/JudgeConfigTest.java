package dev.ramp.plugins.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The config's defaults, and every refusal naming its field. */
class JudgeConfigTest {

  @Test
  void defaultsAreKayentasAndRamps() {
    JudgeConfig c = Specs.config("", Specs.metric("m", ""));
    assertThat(c.pass()).isEqualTo(95);
    assertThat(c.marginal()).isEqualTo(75);
    assertThat(c.lookback()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.step()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.minSamples()).isEqualTo(20);
    assertThat(c.horizon()).isEqualTo(Duration.ofMinutes(15));
    JudgeConfig.MetricSpec m = c.metrics().get(0);
    assertThat(m.direction()).isEqualTo(JudgeConfig.Direction.EITHER);
    assertThat(m.nanStrategy()).isEqualTo(JudgeConfig.NanStrategy.REMOVE);
    assertThat(m.removeOutliers()).isFalse();
    assertThat(m.outlierFactor()).isEqualTo(3.0);
    assertThat(m.effectMeasure()).isEqualTo(JudgeConfig.EffectMeasure.MEAN_RATIO);
    assertThat(m.allowedIncrease()).isEqualTo(1.0);
    assertThat(m.groups()).containsExactly("default");
    assertThat(m.queryFor("abc")).isEqualTo("sum(rate(errors_total{hash=\"abc\"}[1m]))");
    assertThat(Specs.spec("\"effectSize\":{\"measure\":\"cles\"}").allowedDecrease())
        .isEqualTo(0.5);
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GoDuration.parse("5 m")).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no metrics | \"metrics\":[] | metrics: is required",
        "unknown direction | \"metrics\":[{\"name\":\"m\",\"query\":\"x{h=\\\"${version}\\\"}\",\"direction\":\"up\"}] | metrics[0].direction: 'up' must be one of [increase, decrease, either]",
        "no placeholder | \"metrics\":[{\"name\":\"m\",\"query\":\"sum(rate(errors_total[1m]))\"}] | metrics[0].query: must contain ${version}",
        "no name | \"metrics\":[{\"query\":\"x{h=\\\"${version}\\\"}\"}] | metrics[0].name: is required",
        "duplicate | \"metrics\":[{\"name\":\"m\",\"query\":\"${version}\"},{\"name\":\"m\",\"query\":\"${version}\"}] | metrics[1].name: 'm' is the name of another metric",
        "typo | \"metrics\":[{\"name\":\"m\",\"query\":\"${version}\",\"nanstrategy\":\"remove\"}] | metrics[0].nanstrategy: is not a field",
        "nan | \"metrics\":[{\"name\":\"m\",\"query\":\"${version}\",\"nanStrategy\":\"zero\"}] | metrics[0].nanStrategy: 'zero' must be one of [remove, replace]",
        "measure | \"metrics\":[{\"name\":\"m\",\"query\":\"${version}\",\"effectSize\":{\"measure\":\"cohen\"}}] | metrics[0].effectSize.measure:",
        "factor | \"metrics\":[{\"name\":\"m\",\"query\":\"${version}\",\"outliers\":{\"strategy\":\"remove\",\"factor\":0}}] | metrics[0].outliers.factor:",
        "critical | \"metrics\":[{\"name\":\"m\",\"query\":\"${version}\",\"critical\":\"yes\"}] | metrics[0].critical: 'yes' must be true or false",
        "thresholds | \"scoreThresholds\":{\"pass\":70,\"marginal\":80},\"metrics\":[{\"name\":\"m\",\"query\":\"${version}\"}] | scoreThresholds.marginal: 80.0 must not be above pass",
        "weights | \"groupWeights\":{\"latency\":50},\"metrics\":[{\"name\":\"m\",\"query\":\"${version}\"}] | groupWeights.latency: no metric is in group 'latency'",
        "weights sum | \"groupWeights\":{\"default\":90},\"metrics\":[{\"name\":\"m\",\"query\":\"${version}\"}] | groupWeights: weigh every group and so must add up to 100",
        "lookback | \"lookback\":\"10 minutes\",\"metrics\":[{\"name\":\"m\",\"query\":\"${version}\"}] | lookback: '10 minutes' must be a positive duration",
      })
  void refusesNamingTheField(String what, String fields, String message) {
    String json =
        "{\"address\":\"http://127.0.0.1:9\",\"canary\":\"a\",\"stable\":\"b\"," + fields + "}";
    assertThatThrownBy(() -> JudgeConfig.parse(Json.parse(json)))
        .as(what)
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void addressAndVersionsAreRequired() {
    assertThatThrownBy(() -> JudgeConfig.parse(Json.parse("{\"metrics\":[]}")))
        .hasMessageStartingWith("address: is required");
    assertThatThrownBy(
            () -> JudgeConfig.parse(Json.parse("{\"address\":\"ftp://x\",\"metrics\":[]}")))
        .hasMessageStartingWith("address: 'ftp://x' must be an absolute http:// or https:// URL");
    assertThatThrownBy(
            () -> JudgeConfig.parse(Json.parse("{\"address\":\"http://p:9090\",\"stable\":\"b\"}")))
        .hasMessageStartingWith("canary: is required");
  }
}
