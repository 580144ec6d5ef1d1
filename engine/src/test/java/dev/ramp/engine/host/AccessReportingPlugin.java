package dev.ramp.engine.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Python step plugin that reports, before it serves, the Kubernetes access its host gave it
 * ({@code plugins/access_reporting_step_plugin.py}); shared by the host's and the runtime's ITs.
 */
public final class AccessReportingPlugin {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AccessReportingPlugin() {}

  /** What one start of the plugin saw. */
  public record Report(
      long pid,
      Path socketDir,
      String socketDirMode,
      List<String> files,
      List<String> environment,
      String kubeconfig,
      String mode,
      String content,
      Integer apiStatus,
      String apiError) {

    static Report read(Path file) throws IOException {
      JsonNode node = JSON.readTree(file.toFile());
      return new Report(
          node.path("pid").asLong(),
          Path.of(node.path("socketDir").asText()),
          node.path("socketDirMode").asText(),
          strings(node.path("files")),
          strings(node.path("environment")),
          text(node.path("kubeconfig")),
          text(node.path("mode")),
          text(node.path("content")),
          node.path("apiStatus").isInt() ? node.path("apiStatus").asInt() : null,
          text(node.path("apiError")));
    }

    private static List<String> strings(JsonNode list) {
      List<String> result = new ArrayList<>();
      list.forEach(item -> result.add(item.asText()));
      return result;
    }

    private static String text(JsonNode node) {
      return node.isNull() || node.isMissingNode() ? null : node.asText();
    }
  }

  /** Skips the calling test when /usr/bin/python3 cannot run the plugin. */
  public static void assumePython() {
    TestPlugins.assumePython();
  }

  /**
   * A step plugin entry for {@code ramp-config} that runs the plugin under {@code name}, writing
   * its report to {@code report}; the script is copied into {@code dir}.
   */
  public static String entry(String name, Path dir, Path report, String kubernetesAccess)
      throws IOException {
    Path script = dir.resolve("access_reporting_step_plugin.py");
    if (!Files.exists(script)) {
      try (var in =
          AccessReportingPlugin.class.getResourceAsStream(
              "/plugins/access_reporting_step_plugin.py")) {
        Files.write(script, in.readAllBytes());
      }
    }
    return "- name: "
        + name
        + "\n  location: /usr/bin/python3\n  args: ['"
        + script
        + "', '"
        + TestPlugins.PYTHON_DIR
        + "', '"
        + report
        + "']\n"
        + (kubernetesAccess == null ? "" : "  kubernetesAccess: " + kubernetesAccess + "\n");
  }

  /** The report of the plugin's last start; it is written before the plugin serves. */
  public static Report read(Path report) throws IOException {
    return Report.read(report);
  }
}
