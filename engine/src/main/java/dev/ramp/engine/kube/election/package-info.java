/**
 * Leader election on a {@code coordination.k8s.io} Lease, so that one controller replica
 * reconciles: {@link dev.ramp.engine.kube.election.LeaderElection}. Uses fabric8's leader election.
 */
package dev.ramp.engine.kube.election;
