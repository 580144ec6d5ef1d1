/**
 * The Rollout CRD's Java model (group {@code ramp.dev}, version {@code v1alpha1}), field for field
 * as Argo Rollouts names it; the source of {@code config/crd/}.
 */
package dev.ramp.engine.model;
