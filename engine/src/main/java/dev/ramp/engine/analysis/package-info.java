/** AnalysisRuns: Argo Rollouts' analysis semantics as pure functions over an injected Instant. */
package dev.ramp.engine.analysis;
