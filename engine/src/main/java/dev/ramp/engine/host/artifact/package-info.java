/**
 * A plugin's file from its configured location: {@link
 * dev.ramp.engine.host.artifact.PluginArtifacts} checks a local file or downloads a remote one into
 * the cache and checks its sha256; it fails with {@link
 * dev.ramp.engine.host.artifact.PluginArtifactException}. Used by the plugin host only; uses the
 * JDK's HTTP client.
 */
package dev.ramp.engine.host.artifact;
