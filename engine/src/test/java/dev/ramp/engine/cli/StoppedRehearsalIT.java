package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A `ramp run` stopped by SIGTERM (a CI job cancelled) or SIGINT (Ctrl-C) removes its temporary
 * folder, the one with the kubeconfig: ramp.jar in a child JVM whose temp dir is the test's.
 */
class StoppedRehearsalIT {

  private static final Path RAMP_JAR = Path.of("target/ramp.jar").toAbsolutePath();

  @TempDir Path tmp;

  @Test
  void sigtermRemovesTheRehearsalsFolder() throws Exception {
    stoppedBy("TERM");
  }

  @Test
  void ctrlCRemovesTheRehearsalsFolder() throws Exception {
    stoppedBy("INT");
  }

  private void stoppedBy(String signal) throws Exception {
    assertThat(RAMP_JAR).as("built in the package phase").isRegularFile();
    Process process =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + tmp,
                "-jar",
                RAMP_JAR.toString(),
                "run",
                "-f",
                Path.of("../examples/basic-canary/rollout.yaml").toAbsolutePath().toString())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    CompletableFuture<Void> applied = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  if (line.contains("applied Rollout")) {
                    applied.complete(null);
                  }
                }
              } catch (java.io.IOException e) {
                applied.completeExceptionally(e);
              }
              applied.complete(null);
            });
    reader.start();
    try {
      applied.get(2, TimeUnit.MINUTES);
      List<Path> folders = rehearsalFolders();
      assertThat(folders).as(output.toString()).hasSize(1);
      assertThat(folders.get(0).resolve("kubeconfig")).isRegularFile();

      Process kill =
          new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
      assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output.toString()).isTrue();
      reader.join(TimeUnit.SECONDS.toMillis(10));
      // 128 + the signal: the JVM ran its shutdown hooks and ended as signalled.
      assertThat(process.exitValue()).isEqualTo(signal.equals("TERM") ? 143 : 130);
      assertThat(rehearsalFolders()).as(output.toString()).isEmpty();
    } finally {
      process.destroyForcibly();
    }
  }

  private List<Path> rehearsalFolders() throws java.io.IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.filter(p -> p.getFileName().toString().startsWith("ramp-rehearsal-")).toList();
    }
  }
}
