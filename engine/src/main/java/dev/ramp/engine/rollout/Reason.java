package dev.ramp.engine.rollout;

/** The reasons of conditions and Events the pipeline writes, spelled as on the wire (Argo's). */
enum Reason {
  // Conditions
  InvalidSpec,
  RolloutAborted,
  RolloutPaused,
  RolloutResumed,
  NewReplicaSetAvailable,
  ReplicaSetUpdated,
  ProgressDeadlineExceeded,
  AvailableReason,
  MinimumReplicasUnavailable,
  RolloutCompleted,
  RolloutNotCompleted,
  RolloutHealthy,
  RolloutNotHealthy,
  StepPluginStarting,
  StepPluginBackingOff,
  StepPluginRefused,
  TrafficRoutingError,
  TrafficRouterDisabled,
  TrafficRouterUnavailable,
  WeightNotVerified,
  // Pauses and messages
  CanaryPauseStep,
  BlueGreenPause,
  InconclusiveAnalysisRun,
  PausedBySpec,
  // Events only
  RolloutUpdated,
  ActiveServiceSwitched,
  RolloutStepsChanged,
  RolloutStepCompleted,
  RolloutRestarted,
  PhaseChanged,
  RolloutDegraded,
  StepPluginDisabled,
  TrafficWeightUpdated,
  WeightVerifyError
}
