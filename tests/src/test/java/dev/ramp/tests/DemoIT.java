package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * `ramp demo` and `ramp demo --bad` as a user runs them: ramp.jar in its own JVM, output captured,
 * the final phase asserted; kubectl lists the rollout from the demo's API while it runs.
 */
class DemoIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern KUBECONFIG = Pattern.compile("kubectl --kubeconfig (\\S+) get");

  record Run(int exitCode, String output, String kubectlOutput) {}

  private static Run demo(String... extra) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Dramp.home=" + ROOT);
    command.add("-Dramp.runner.jar=" + TestPlugins.runnerJar());
    command.add("-jar");
    command.add(ROOT.resolve("engine/target/ramp.jar").toString());
    command.add("demo");
    command.addAll(List.of(extra));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    CompletableFuture<String> kubectl = new CompletableFuture<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String kubeconfig = null;
      for (String line; (line = reader.readLine()) != null; ) {
        output.append(line).append('\n');
        Matcher m = KUBECONFIG.matcher(line);
        if (m.find()) {
          kubeconfig = m.group(1);
        }
        if (kubeconfig != null && line.contains("applied Rollout") && !kubectl.isDone()) {
          kubectl.complete(kubectl(kubeconfig));
        }
      }
    }
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
    return new Run(process.exitValue(), output.toString(), kubectl.getNow(""));
  }

  private static String kubectl(String kubeconfig) {
    Path binary = Path.of("/usr/bin/kubectl");
    if (!Files.isExecutable(binary)) {
      return "kubectl not installed";
    }
    try {
      Process p =
          new ProcessBuilder(binary.toString(), "--kubeconfig", kubeconfig, "get", "rollouts", "-A")
              .redirectErrorStream(true)
              .start();
      p.waitFor(60, TimeUnit.SECONDS);
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | InterruptedException e) {
      return "kubectl failed: " + e;
    }
  }

  @Test
  void theDemoRunsToHealthy() throws Exception {
    Run run = demo("--speed", "20");
    assertThat(run.output()).contains("The rollout ended HEALTHY").contains("As expected.");
    assertThat(run.output()).contains("gate: approved");
    assertThat(run.exitCode()).as(run.output()).isZero();
    if (!run.kubectlOutput().equals("kubectl not installed")) {
      assertThat(run.kubectlOutput()).contains("demo");
    }
  }

  @Test
  void theBadDemoAbortsTheRollout() throws Exception {
    Run run = demo("--bad", "--speed", "20");
    assertThat(run.output()).contains("gate: rejected").contains("The rollout ended DEGRADED");
    // As `ramp run` exits for a Degraded rollout.
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
  }
}
