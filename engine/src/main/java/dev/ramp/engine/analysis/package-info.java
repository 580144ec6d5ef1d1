/**
 * Analysis: metric conditions compiled once as CEL ({@link dev.ramp.engine.analysis.ConditionSet})
 * and evaluated against each measurement's result, with Argo's outcome rules.
 */
package dev.ramp.engine.analysis;
