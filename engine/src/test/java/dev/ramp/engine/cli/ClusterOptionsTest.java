package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterOptionsTest {

  @TempDir Path home;

  @Test
  void withoutAnyKubeconfigOrPodTheMessageSaysWhatToPass() {
    assertThat(ClusterOptions.nothingToConnectTo(Map.of(), home, new Properties()))
        .isEqualTo(
            "no cluster configured: no --kubeconfig, $KUBECONFIG is not set, "
                + home.resolve(".kube/config")
                + " does not exist and this is not a pod; pass --kubeconfig FILE");
  }

  @Test
  void anyOfKubeconfigEnvHomeConfigPodOrPropertyIsEnough() throws Exception {
    Properties none = new Properties();
    assertThat(ClusterOptions.nothingToConnectTo(Map.of("KUBECONFIG", "/x"), home, none)).isNull();
    assertThat(
            ClusterOptions.nothingToConnectTo(
                Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home, none))
        .isNull();
    Properties master = new Properties();
    master.setProperty("kubernetes.master", "https://127.0.0.1:6443");
    assertThat(ClusterOptions.nothingToConnectTo(Map.of(), home, master)).isNull();
    Files.createDirectories(home.resolve(".kube"));
    Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\n");
    assertThat(ClusterOptions.nothingToConnectTo(Map.of(), home, none)).isNull();
  }

  @Test
  void aKubeconfigThatIsNotYamlIsOneLineWithoutTheParsersInternals() throws Exception {
    Path broken = Files.writeString(home.resolve("kubeconfig"), "apiVersion: v1\nclusters: [a\n");
    CliHarness.Result result = CliHarness.run("list", "--kubeconfig", broken.toString());
    assertThat(result.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(result.err())
        .isEqualTo(
            "error: kubeconfig "
                + broken
                + " is not readable YAML: while parsing a flow sequence: expected ',' or ']', but"
                + " got <stream end> at line 2, column 13\n");
  }

  @Test
  void aCliExceptionOfSeveralLinesIsPrintedAsItsFirst() {
    assertThat(CliErrors.describe(new CliException("first\n at [Source: x]"))).isEqualTo("first");
  }
}
