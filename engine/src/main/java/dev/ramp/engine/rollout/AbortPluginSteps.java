package dev.ramp.engine.rollout;

/** An aborted canary: every plugin step that ran gets {@code Abort}, in reverse order, once. */
final class AbortPluginSteps implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (r.aborted() && !r.atStable) {
      new PluginSteps(r).abortAll();
    }
  }
}
