/**
 * The Java model of Ramp's CRDs (group {@code ramp.dev}, version {@code v1alpha1}): Rollout,
 * AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun, field for field as Argo Rollouts names
 * them; the source of {@code config/crd/}.
 */
package dev.ramp.engine.model;
