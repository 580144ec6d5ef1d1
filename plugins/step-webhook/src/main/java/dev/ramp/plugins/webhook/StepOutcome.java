package dev.ramp.plugins.webhook;

import dev.ramp.plugin.api.StepResult;

/** Ends a call early with a result (e.g. a poll URL that cannot be built from the response). */
final class StepOutcome extends RuntimeException {

  private final transient StepResult result;

  StepOutcome(StepResult result) {
    super(result.message(), null, false, false);
    this.result = result;
  }

  StepResult result() {
    return result;
  }
}
