/** What users do to a Rollout: {@link dev.ramp.engine.actions.RolloutActions}, for the CLI. */
package dev.ramp.engine.actions;
