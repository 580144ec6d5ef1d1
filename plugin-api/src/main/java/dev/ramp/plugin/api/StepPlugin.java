package dev.ramp.plugin.api;

import org.pf4j.ExtensionPoint;

/**
 * A custom canary step ({@code steps: - plugin: {name, config}}). Implementations keep no state
 * between calls: what they need next time goes into {@link StepResult#state()}.
 *
 * <p>Throw {@link InvalidConfigException} for a bad config, {@link BackendUnavailableException}
 * when a backend is down; any other exception is reported as an internal error with its message.
 */
public interface StepPlugin extends ExtensionPoint {

  /** Runs or continues the step; called again while it returns RUNNING. */
  StepResult run(StepCall call);

  /**
   * The rollout moved past this RUNNING step: stop what {@link #run} started. Must finish
   * synchronously (RUNNING counts as FAILED).
   */
  default StepResult terminate(StepCall call) {
    return StepResult.successful("nothing to terminate");
  }

  /**
   * The rollout was aborted: undo what {@link #run} did. Called once, in reverse order of the runs.
   * Must finish synchronously (RUNNING counts as FAILED).
   */
  default StepResult abort(StepCall call) {
    return StepResult.successful("nothing to abort");
  }
}
