package dev.ramp.engine.host;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/** Real plugin programs for the host's integration tests. */
final class TestPlugins {

  /** The Python step plugin of tests/python, relative to the engine module. */
  static final Path PYTHON_DIR = Path.of("..", "tests", "python").toAbsolutePath().normalize();

  static final Path PYTHON_PLUGIN = PYTHON_DIR.resolve("step_plugin.py");

  private static Boolean pythonReady;

  private TestPlugins() {}

  /** Skips the calling test when /usr/bin/python3 cannot run the Python plugin. */
  static void assumePython() {
    assumeTrue(Files.isExecutable(PYTHON_PLUGIN), "missing " + PYTHON_PLUGIN);
    assumeTrue(pythonHasGrpc(), "/usr/bin/python3 lacks grpc (python3-grpcio, python3-grpc-tools)");
  }

  private static synchronized boolean pythonHasGrpc() {
    if (pythonReady == null) {
      try {
        Process check =
            new ProcessBuilder("/usr/bin/python3", "-c", "import grpc, grpc_tools, google.protobuf")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        pythonReady = check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
      } catch (IOException e) {
        pythonReady = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pythonReady = false;
      }
    }
    return pythonReady;
  }

  /** The sleepy wrapper (Run sleeps {@code sleepMs}) copied out of the test class path. */
  static Path sleepyPlugin(Path dir) throws IOException {
    Path file = dir.resolve("sleepy_step_plugin.py");
    try (var in = TestPlugins.class.getResourceAsStream("/plugins/sleepy_step_plugin.py")) {
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  /** A /bin/sh script with the given body, executable. */
  static Path script(Path dir, String name, String body) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }
}
