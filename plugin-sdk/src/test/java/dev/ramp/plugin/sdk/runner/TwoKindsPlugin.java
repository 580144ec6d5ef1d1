package dev.ramp.plugin.sdk.runner;

import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugin.api.MetricProviderPlugin;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.api.StepResult;

/** A fixture extension that is both a step and a metric provider. */
public class TwoKindsPlugin implements StepPlugin, MetricProviderPlugin {

  @Override
  public StepResult run(StepCall call) {
    return StepResult.successful("step");
  }

  @Override
  public Measurement run(MetricCall call) {
    return Measurement.of("1", null, null);
  }
}
