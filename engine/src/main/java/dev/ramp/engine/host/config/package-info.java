/**
 * The plugin configuration of the ConfigMap {@code ramp-config}, parsed and validated: {@link
 * dev.ramp.engine.host.config.PluginConfigSnapshot#parse} is the entry point; its valid entries
 * ({@link dev.ramp.engine.host.config.PluginEntry}, {@link dev.ramp.engine.host.config.PluginKind},
 * {@link dev.ramp.engine.host.config.PluginLimits}) are what the plugin host applies. Uses only
 * Jackson.
 */
package dev.ramp.engine.host.config;
