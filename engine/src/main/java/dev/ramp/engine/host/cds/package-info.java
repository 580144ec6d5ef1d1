/**
 * Class-data-sharing archives that make JAR plugins start faster: {@link
 * dev.ramp.engine.host.cds.ClassDataArchives}, used by the plugin host's starter. Uses the SDK's
 * launcher for training starts and {@code host.artifact} for digests.
 */
package dev.ramp.engine.host.cds;
