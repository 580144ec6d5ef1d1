package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ramp lint` over awkward input: every file is checked even after a bad one; empty files, folders
 * and oversized files get a line of their own; warnings for what nothing reads.
 */
class LintFilesTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void anEmptyFileAndAnOversizedOneAreNamedAndTheOthersStillChecked() throws Exception {
    Path empty = write("empty.yaml", "");
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(10L * 1024 * 1024); // sparse: nothing is written, nothing need be read
    }
    Path ok = write("ok.yaml", LintCommandTest.VALID);

    CliHarness.Result result =
        CliHarness.run("lint", "-f", empty.toString(), "-f", big.toString(), "-f", ok.toString());

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.out())
        .contains(empty + ": empty: no documents to check")
        .contains(ok + ":1: Rollout checkout: ok");
    assertThat(result.err())
        .contains("file " + big + " is 10.0 MiB; files of at most 4 MiB are read");
  }

  @Test
  void aFolderIsItsYamlFiles() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("manifests"));
    Files.writeString(folder.resolve("rollout.yaml"), LintCommandTest.VALID);
    Files.writeString(folder.resolve("notes.txt"), "not yaml: [");

    CliHarness.Result result = CliHarness.run("lint", "-f", folder.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(folder.resolve("rollout.yaml") + ":1: Rollout checkout: ok\n");
  }

  @Test
  void argoNotificationAnnotationsAreAWarning() throws Exception {
    Path file =
        write(
            "notified.yaml",
            LintCommandTest.VALID.replace(
                "  name: checkout\n",
                "  name: checkout\n  annotations:\n"
                    + "    notifications.argoproj.io/subscribe.on-rollout-completed.slack: ops\n"));

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains(
            "Rollout checkout: warning: metadata.annotations[notifications.argoproj.io/"
                + "subscribe.on-rollout-completed.slack]: Argo's notification annotations are not"
                + " read by Ramp; nothing sends this notification");
  }

  @Test
  void aTypoInARampConfigKeyIsAWarningWithTheKeyMeant() throws Exception {
    Path file =
        write(
            "ramp-config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ramp-config, namespace: ramp-system}\n"
                + "data:\n  stepplugins: |\n    - name: a/b\n      location: file:///x.jar\n");

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.out())
        .contains(
            "ConfigMap ramp-config: warning: data.stepplugins: unknown key, ignored; did you mean"
                + " stepPlugins?");
  }
}
