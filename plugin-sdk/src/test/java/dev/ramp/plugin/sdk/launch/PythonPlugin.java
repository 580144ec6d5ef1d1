package dev.ramp.plugin.sdk.launch;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The Python step plugin of tests/python, the reference non-Java plugin. */
public final class PythonPlugin {

  /** Relative to the plugin-sdk module, where Maven runs the tests. */
  public static final Path SCRIPT =
      Path.of("..", "tests", "python", "step_plugin.py").toAbsolutePath().normalize();

  private static Boolean available;

  private PythonPlugin() {}

  /** Skips the calling test when /usr/bin/python3 cannot run the plugin. */
  public static Path assumeAvailable() {
    assumeTrue(Files.isExecutable(SCRIPT), "missing " + SCRIPT);
    assumeTrue(
        pythonHasGrpc(),
        "/usr/bin/python3 lacks grpc (apt-get install python3-grpcio"
            + " python3-protobuf python3-grpc-tools)");
    return SCRIPT;
  }

  private static synchronized boolean pythonHasGrpc() {
    if (available == null) {
      try {
        Process check =
            new ProcessBuilder("/usr/bin/python3", "-c", "import grpc, grpc_tools, google.protobuf")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        available = check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
      } catch (IOException e) {
        available = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        available = false;
      }
    }
    return available;
  }
}
