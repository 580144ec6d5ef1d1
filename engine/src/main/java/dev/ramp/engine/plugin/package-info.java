/**
 * The controller's view of plugins, small interfaces a unit test can fake: {@link
 * dev.ramp.engine.plugin.StepPluginClient}, {@link dev.ramp.engine.plugin.TrafficRouterClient} and
 * {@link dev.ramp.engine.plugin.MetricProviderClient}, with the values they pass ({@link
 * dev.ramp.engine.plugin.PluginAvailability}, {@link dev.ramp.engine.plugin.CallKey}, {@link
 * dev.ramp.engine.plugin.StepOperation}, {@link dev.ramp.engine.plugin.PluginCallException}). The
 * plugin host implements them. Uses only {@code plugin-api}.
 */
package dev.ramp.engine.plugin;
