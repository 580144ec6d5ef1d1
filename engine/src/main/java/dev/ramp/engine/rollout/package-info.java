/**
 * The rollout reconcile pipeline. Entry: {@link dev.ramp.engine.rollout.RolloutReconciler}, from
 * {@link dev.ramp.engine.rollout.Observed} to {@link dev.ramp.engine.rollout.Plan}; a sealed {@code
 * Strategy} lists its sub-steps, one package-private class per concern. Uses the model and the
 * step-plugin client interface ({@code engine.plugin}); no Kubernetes client, no gRPC, no clock.
 */
package dev.ramp.engine.rollout;
