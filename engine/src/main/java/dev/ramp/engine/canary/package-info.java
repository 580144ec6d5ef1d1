/**
 * The canary step machine: {@link dev.ramp.engine.canary.CanaryReconciler} turns the observed world
 * into what to write, with no Kubernetes calls and time as a parameter.
 */
package dev.ramp.engine.canary;
