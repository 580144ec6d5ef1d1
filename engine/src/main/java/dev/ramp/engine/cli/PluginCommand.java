package dev.ramp.engine.cli;

import picocli.CommandLine.Command;

@Command(
    name = "plugin",
    description = "Check and debug plugins without a cluster.",
    subcommands = {PluginVerifyCommand.class, PluginRunCommand.class})
final class PluginCommand {}
