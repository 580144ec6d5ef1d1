/**
 * The plugin host, the only part of the engine that sees gRPC and processes: {@link
 * dev.ramp.engine.host.PluginHost} starts and supervises the configured plugins and hands out the
 * small clients of {@code plugin}, handing plugins that ask for it the {@link
 * dev.ramp.engine.host.KubernetesAccess} it was built with; everything else here is
 * package-private. Uses {@code host.config} for the configuration it applies, {@code host.artifact}
 * for plugin files, {@code host.cds} for class-data archives, and the SDK's launcher and the {@code
 * ramp.plugin.v1} stubs.
 */
package dev.ramp.engine.host;
