package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ramp run` takes the files a team has: kinds a rehearsal does not simulate are skipped with a
 * note, and a ramp-config a cluster would not read is used with a warning.
 */
class RealFilesIT {

  private static final Path ARGO_CANARY = Path.of("../examples/argo/rollout-canary.yaml");

  @TempDir Path dir;

  @Test
  void argosCanaryWithItsServiceAndAnIngressInOneFileEndsHealthyNotingTheSkippedIngress() {
    CliHarness.Result result =
        CliHarness.run("run", "-f", ARGO_CANARY.toString(), "--speed", "100", "--auto-promote");
    assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
    assertThat(result.out())
        .contains(
            "· "
                + ARGO_CANARY
                + ": skipped Ingress rollout-canary (networking.k8s.io/v1): a rehearsal does not"
                + " simulate it\n")
        .contains("· applied Service default/rollout-canary\n")
        .contains("· applied Rollout default/rollout-canary\n")
        .contains("· rollout default/rollout-canary ended HEALTHY");
    assertThat(result.out().lines().filter(l -> l.contains("Ingress"))).hasSize(1);
  }

  @Test
  void aRampConfigOutsideTheControllersNamespaceIsUsedWithAWarning() throws Exception {
    String config =
        Files.readString(Path.of("../examples/canary-with-plugin/ramp-config.yaml"))
            .replace("namespace: ramp-system", "namespace: default");
    assertThat(config).contains("namespace: default");
    // Written beside the example so that its relative plugin location still resolves.
    Path file = Files.writeString(dir.resolve("ramp-config.yaml"), config);
    Path plugin = Path.of("../tests/python/step_plugin.py").toAbsolutePath().normalize();
    Files.writeString(
        file,
        Files.readString(file)
            .replaceAll("location: \"?[^\"\\n]*step_plugin.py\"?", "location: " + plugin));
    CliHarness.Result result =
        CliHarness.run(
            "run",
            "-f",
            file.toString(),
            "-f",
            "../examples/canary-with-plugin/rollout.yaml",
            "--speed",
            "100",
            "--auto-promote");
    assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
    assertThat(result.out())
        .contains(
            "· "
                + file
                + ": warning: ConfigMap ramp-config is in namespace default; the rehearsal uses"
                + " it, but a controller reads ramp-config only from its own namespace"
                + " (ramp-system as config/ installs it), so a cluster would ignore this one: set"
                + " metadata.namespace: ramp-system\n")
        .contains("· applied ConfigMap ramp-system/ramp-config\n")
        .contains("ended HEALTHY");
  }
}
