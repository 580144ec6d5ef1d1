/**
 * Analysis, as a library without clock or API: Argo's metric and run semantics ({@code
 * MetricAssessment}, {@code RunAssessment}, {@code MeasurementSchedule}, {@code
 * MeasurementRetention}) and metric conditions in CEL ({@code ConditionSet}). The AnalysisRun
 * controller and the providers build on it. Uses Jackson and cel-java only.
 */
package dev.ramp.engine.analysis;
