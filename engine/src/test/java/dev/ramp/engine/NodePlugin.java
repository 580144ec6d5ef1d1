package dev.ramp.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** The Node.js step plugin of tests/node, for the ITs that host it. */
public final class NodePlugin {

  public static final Path DIR = Path.of("..", "tests", "node").toAbsolutePath().normalize();
  public static final Path SCRIPT = DIR.resolve("step_plugin.js");

  private NodePlugin() {}

  /** {@code node} as found on this JVM's PATH, as an absolute path. */
  public static Optional<Path> node() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Arrays.stream(path.split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, "node").toAbsolutePath())
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * The node binary; skips the test (like the Python ITs without grpc) when node or the plugin's
   * npm packages are missing ({@code npm ci} in tests/node, as scripts/test does).
   */
  public static Path assumeAvailable() {
    Optional<Path> node = node();
    assumeTrue(node.isPresent(), "no node on the PATH");
    assumeTrue(Files.isRegularFile(SCRIPT), "tests/node/step_plugin.js missing");
    assumeTrue(
        Files.isDirectory(DIR.resolve("node_modules/@grpc/grpc-js"))
            && Files.isDirectory(DIR.resolve("node_modules/@grpc/proto-loader")),
        "tests/node/node_modules missing: run npm ci in tests/node");
    return node.get();
  }
}
