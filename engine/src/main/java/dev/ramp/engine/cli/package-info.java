/**
 * The {@code ramp} command line (picocli): {@link dev.ramp.engine.cli.Main} is its entry point;
 * every command and the text it prints ({@code RolloutView} and its tables) are package-private.
 * Reads and writes the model; uses {@code runtime} for {@code ramp controller}, {@code actions} for
 * the steering commands, {@code rehearsal} for {@code ramp demo} and {@code ramp run}, and the
 * plugin host and the SDK's launcher and test kit for the plugin tools.
 */
package dev.ramp.engine.cli;
