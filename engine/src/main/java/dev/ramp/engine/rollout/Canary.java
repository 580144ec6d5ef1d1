package dev.ramp.engine.rollout;

import java.util.List;

/**
 * The canary's pipeline, Argo's {@code rolloutCanary} as a list. Abort is decided by {@link
 * DecideAbort} (a user's abort, the progress deadline), by a failed background analysis ({@link
 * BackgroundAnalysis}) or by a step that fails (a plugin step's FAILED, a failed analysis step);
 * every sub-step after the decision applies it, in this order: the traffic goes back to stable (its
 * routers first), the replicas follow, then the Services, then the plugin steps that ran get {@code
 * Abort}, in reverse order of their runs.
 */
final class Canary implements Strategy {
  static final Canary INSTANCE = new Canary();

  // Sub-steps keep no state between reconciles: one list serves every rollout.
  private final List<SubStep> subSteps =
      List.of(
          new ValidateSpec(),
          new RevisionAndHash(),
          new DecideAbort(),
          new BackgroundAnalysis(),
          new WalkSteps(),
          new RouteTraffic(),
          new CleanUpAnalysisRuns(),
          new ScaleReplicaSets(),
          new SelectServices(),
          new AbortPluginSteps(),
          new CleanUpHistory(),
          new RoleMetadata(),
          new RestartPods(),
          new ComputeStatus());

  private Canary() {}

  @Override
  public List<SubStep> subSteps() {
    return subSteps;
  }
}
