/** Analysis: metric conditions compiled once as CEL ({@code ConditionSet}) and their outcomes. */
package dev.ramp.engine.analysis;
