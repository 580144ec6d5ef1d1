package dev.ramp.plugin.sdk.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchSpecTest {

  private static final Path FILE = Path.of("/opt/plugins/gate");

  @Test
  void copiesCollectionsAndDefaultsNullsToEmpty() {
    List<String> args = new ArrayList<>(List.of("--x"));
    LaunchSpec spec =
        new LaunchSpec("acme/gate", FILE, null, args, null, null, Duration.ofSeconds(5), null);
    args.add("--y");
    assertThat(spec.args()).containsExactly("--x");
    assertThat(spec.env()).isEmpty();
    assertThat(spec.jvmOptions()).isEmpty();
    assertThat(spec.isJar()).isFalse();
    assertThat(
            new LaunchSpec(
                    "a/b",
                    Path.of("x/Gate.JAR"),
                    null,
                    null,
                    null,
                    null,
                    Duration.ofSeconds(1),
                    null)
                .isJar())
        .isTrue();
  }

  @Test
  void rejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> spec(" ", FILE, null, Duration.ofSeconds(1)))
        .hasMessageContaining("name must not be blank");
    assertThatThrownBy(() -> spec("acme/gate", null, null, Duration.ofSeconds(1)))
        .hasMessageContaining("acme/gate");
    assertThatThrownBy(() -> spec("acme/gate", FILE, "abc", Duration.ofSeconds(1)))
        .hasMessageContaining("'abc'")
        .hasMessageContaining("64 hex");
    assertThatThrownBy(() -> spec("acme/gate", FILE, null, Duration.ZERO))
        .hasMessageContaining("startTimeout must be positive, was 0s");
    assertThatThrownBy(
            () ->
                new LaunchSpec(
                    "acme/gate",
                    FILE,
                    null,
                    List.of(),
                    Map.of("A=B", "c"),
                    List.of(),
                    Duration.ofSeconds(1),
                    null))
        .hasMessageContaining("'A=B'");
  }

  @Test
  void privateFilesAreCheckedAndTheirContentNeverPrinted() {
    LaunchSpec.PrivateFile kubeconfig =
        new LaunchSpec.PrivateFile("KUBECONFIG", "kubeconfig", "token: s3cret");
    LaunchSpec spec =
        new LaunchSpec(
            "acme/gate",
            FILE,
            null,
            null,
            null,
            null,
            Duration.ofSeconds(1),
            null,
            List.of(kubeconfig));
    assertThat(spec.privateFiles()).containsExactly(kubeconfig);
    assertThat(spec.toString()).contains("KUBECONFIG=<dir>/kubeconfig").doesNotContain("s3cret");
    assertThat(spec.withJvmOptions(List.of("-Xmx1m")).privateFiles()).containsExactly(kubeconfig);
    assertThat(spec("a/b", FILE, null, Duration.ofSeconds(1)).privateFiles()).isEmpty();

    assertThatThrownBy(() -> new LaunchSpec.PrivateFile("A=B", "f", ""))
        .hasMessageContaining("'A=B'");
    assertThatThrownBy(() -> new LaunchSpec.PrivateFile("PLUGIN_UNIX_SOCKET_DIR", "f", ""))
        .hasMessageContaining("PLUGIN_UNIX_SOCKET_DIR is set by the launcher");
    assertThatThrownBy(() -> new LaunchSpec.PrivateFile("X", "../escape", ""))
        .hasMessageContaining("'../escape'")
        .hasMessageContaining("no '/'");
    assertThatThrownBy(() -> new LaunchSpec.PrivateFile("X", "..", ""))
        .hasMessageContaining("'..'");
    assertThatThrownBy(
            () ->
                new LaunchSpec(
                    "acme/gate",
                    FILE,
                    null,
                    null,
                    null,
                    null,
                    Duration.ofSeconds(1),
                    null,
                    List.of(kubeconfig, new LaunchSpec.PrivateFile("OTHER", "kubeconfig", ""))))
        .hasMessageContaining("acme/gate")
        .hasMessageContaining("kubeconfig");
  }

  private static LaunchSpec spec(String name, Path location, String sha, Duration timeout) {
    return new LaunchSpec(name, location, sha, List.of(), Map.of(), List.of(), timeout, null);
  }
}
