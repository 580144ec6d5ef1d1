/**
 * The Java plugin API: what a plugin author implements ({@link dev.ramp.plugin.api.StepPlugin},
 * {@link dev.ramp.plugin.api.TrafficRouterPlugin}, {@link
 * dev.ramp.plugin.api.MetricProviderPlugin}, each a PF4J extension point) and the value types of
 * their calls. No protobuf class appears here; the generated stubs live in {@code
 * dev.ramp.plugin.v1} for the SDK and the host.
 */
package dev.ramp.plugin.api;
