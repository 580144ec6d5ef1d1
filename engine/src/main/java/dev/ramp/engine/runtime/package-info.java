/**
 * One controller process wired together: {@link dev.ramp.engine.runtime.RampRuntime} composes the
 * plugin host, its {@code ramp-config} informer, the Rollout controller and the metrics registry,
 * and starts and stops them in order; {@code ControllerKubeconfig} turns the controller's client
 * configuration into the kubeconfig the host hands plugins that ask for Kubernetes access.
 */
package dev.ramp.engine.runtime;
