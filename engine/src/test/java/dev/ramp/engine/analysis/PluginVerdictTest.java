package dev.ramp.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.Measurement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rule of metric_provider.proto: who decides a plugin's measurement. */
class PluginVerdictTest {
  static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

  static Measurement answered(Measurement.Phase phase, String value, String message) {
    return new Measurement(phase, value, Map.of(), AT, AT, null, message);
  }

  @Test
  void measuredValuesAreDecidedByTheConditions() throws Exception {
    ConditionSet conditions = ConditionSet.compile("result >= 0.95", null);
    assertThat(
            PluginVerdict.of(answered(Measurement.Phase.SUCCESSFUL, "0.99", ""), conditions).get())
        .isEqualTo(ConditionOutcome.SUCCESSFUL);
    // A success condition alone: not met is Failed, as in Argo.
    assertThat(
            PluginVerdict.of(answered(Measurement.Phase.SUCCESSFUL, "0.8", ""), conditions).get())
        .isEqualTo(ConditionOutcome.FAILED);
    // Text that is not JSON is a string.
    assertThat(
            PluginVerdict.of(
                    answered(Measurement.Phase.SUCCESSFUL, "up", ""),
                    ConditionSet.compile("result == 'up'", null))
                .get())
        .isEqualTo(ConditionOutcome.SUCCESSFUL);
    // Without conditions a measurement is Successful.
    assertThat(
            PluginVerdict.of(
                    answered(Measurement.Phase.SUCCESSFUL, "7", ""),
                    ConditionSet.compile(null, null))
                .get())
        .isEqualTo(ConditionOutcome.SUCCESSFUL);
  }

  @Test
  void failedAndInconclusiveAreThePluginsOwnVerdictWhateverTheValue() throws Exception {
    ConditionSet wouldPass = ConditionSet.compile("result >= 0.95", null);
    assertThat(
            PluginVerdict.of(answered(Measurement.Phase.FAILED, "0.99", "judged"), wouldPass).get())
        .isEqualTo(ConditionOutcome.FAILED);
    assertThat(
            PluginVerdict.of(answered(Measurement.Phase.INCONCLUSIVE, "0.99", ""), wouldPass).get())
        .isEqualTo(ConditionOutcome.INCONCLUSIVE);
  }

  @Test
  void anErrorIsNoMeasurementAndRunningIsNoVerdictYet() throws Exception {
    ConditionSet conditions = ConditionSet.compile("result >= 0.95", null);
    ConditionOutcome error =
        PluginVerdict.of(answered(Measurement.Phase.ERROR, "", "store down"), conditions).get();
    assertThat(error.phase()).isEqualTo(ConditionOutcome.Phase.ERROR);
    assertThat(error.message()).isEqualTo("store down");
    assertThat(PluginVerdict.of(answered(Measurement.Phase.RUNNING, "", ""), conditions)).isEmpty();
  }
}
