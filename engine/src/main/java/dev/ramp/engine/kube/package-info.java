/**
 * The controller's Kubernetes layer. Entry: {@link dev.ramp.engine.kube.RolloutController}
 * (informers, the work queue, and the reconcile loop that observes with {@code ObservedWorld},
 * plans with {@link dev.ramp.engine.rollout.RolloutReconciler}, and writes with {@code PlanWriter},
 * {@code StatusWriter} and {@code EventRecorder}); also the ramp-config informer and leader
 * election. {@link dev.ramp.engine.kube.LocalMeasurer} lends the AnalysisRun controller's providers
 * to {@code ramp analysis run}, outside a cluster. Uses fabric8's client, the model, the pipeline,
 * and the plugin client interfaces.
 */
package dev.ramp.engine.kube;
