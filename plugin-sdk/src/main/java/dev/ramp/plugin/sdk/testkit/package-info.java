/**
 * The conformance test kit: {@link dev.ramp.plugin.sdk.testkit.PluginTestKit} starts a plugin
 * exactly as the controller does and checks that it keeps the ramp.plugin.v1 contract, in a {@link
 * dev.ramp.plugin.sdk.testkit.ConformanceReport} a plugin author can assert on.
 */
package dev.ramp.plugin.sdk.testkit;
