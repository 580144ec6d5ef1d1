package dev.ramp.engine.cli;

import picocli.CommandLine.Command;

@Command(
    name = "plugin",
    description = "Check and debug plugins without a cluster.",
    subcommands = {PluginRunCommand.class})
final class PluginCommand {}
