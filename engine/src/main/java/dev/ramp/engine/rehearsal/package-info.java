/**
 * A rollout rehearsed without a cluster, for {@code ramp demo} and {@code ramp run}: {@link
 * dev.ramp.engine.rehearsal.Rehearsal} is the entry point (errors a person can fix are {@link
 * dev.ramp.engine.rehearsal.RehearsalException}); {@link dev.ramp.engine.rehearsal.DemoGate} and
 * {@link dev.ramp.engine.rehearsal.DemoManifests} are the demo's gate service and manifests. Uses
 * {@code sandbox} for the embedded cluster, {@code runtime} for the real controller and plugin
 * host, and {@code actions} to steer the rollout.
 */
package dev.ramp.engine.rehearsal;
