/**
 * The controller's Kubernetes layer, the only package that talks to the API server: {@link
 * dev.ramp.engine.kube.RolloutController} (informers, work queue, writers) and {@link
 * dev.ramp.engine.kube.EmbeddedApiServer} (the in-process API server for tests and demos).
 */
package dev.ramp.engine.kube;
