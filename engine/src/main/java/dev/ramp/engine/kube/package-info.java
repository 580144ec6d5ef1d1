/**
 * The controller's Kubernetes layer, the only package that talks to the API server: {@link
 * dev.ramp.engine.kube.RolloutController} (informers, work queue, writers).
 */
package dev.ramp.engine.kube;
