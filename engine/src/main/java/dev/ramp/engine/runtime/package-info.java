/**
 * One controller process wired together: {@link dev.ramp.engine.runtime.RampRuntime} composes the
 * plugin host, its {@code ramp-config} informer, the Rollout controller and the metrics registry,
 * and starts and stops them in order.
 */
package dev.ramp.engine.runtime;
