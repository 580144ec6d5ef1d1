package dev.ramp.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print Ramp's version and the plugin contract it speaks.")
final class VersionCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    for (String line : new Provider().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    return 0;
  }

  /** Reads the version the build wrote into {@code ramp-version.properties}. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties props = new Properties();
      try (InputStream in = VersionCommand.class.getResourceAsStream("/ramp-version.properties")) {
        if (in != null) {
          props.load(in);
        }
      } catch (IOException ignored) {
        // Without the file the version reads "unknown"; the command still works.
      }
      return new String[] {
        "ramp " + props.getProperty("version", "unknown"),
        "plugin contract ramp.plugin.v1 (contract version 1)",
        "java " + System.getProperty("java.version")
      };
    }
  }
}
