/**
 * An in-process Kubernetes for {@code ramp demo}, {@code ramp run} and tests: {@link
 * dev.ramp.engine.sandbox.EmbeddedCluster} (fabric8's mock API server with Ramp's CRDs, RFC 7386
 * merge patches and discovery) and {@link dev.ramp.engine.sandbox.NodeSimulator} (makes pods ready
 * and finishes Jobs). Uses fabric8 only; nothing of the controller.
 */
package dev.ramp.engine.sandbox;
