package dev.ramp.plugins.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.api.PluginException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client comes from $KUBECONFIG and from nothing else, once per process. */
class KubernetesAccessTest {

  @Test
  void withoutKubeconfigTheCallIsRefusedSayingHowToGetAccess() {
    KubernetesAccess access = new KubernetesAccess(Map.of("HOME", "/root"));

    assertThat(access.configured()).isFalse();
    assertThatThrownBy(access::client)
        .isInstanceOf(PluginException.class)
        .hasMessage(KubernetesAccess.NO_ACCESS)
        .extracting(e -> ((PluginException) e).reason())
        .isEqualTo(PluginException.Reason.FAILED_PRECONDITION);
  }

  @Test
  void aKubeconfigThatIsNotAFileIsNamed(@TempDir Path dir) {
    KubernetesAccess access = new KubernetesAccess(Map.of("KUBECONFIG", dir.toString()));

    assertThatThrownBy(access::client)
        .hasMessage(
            "KUBECONFIG="
                + dir
                + " is not a readable file: the host must hand the plugin the path of one"
                + " kubeconfig file");
  }

  @Test
  void theClientIsBuiltOnceFromTheKubeconfigWithoutRetriesOfItsOwn(@TempDir Path dir)
      throws IOException {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
        contexts: [{name: c, context: {cluster: c, user: u, namespace: shop}}]
        current-context: c
        users: [{name: u, user: {token: abc}}]
        """);
    KubernetesAccess access = new KubernetesAccess(Map.of("KUBECONFIG", kubeconfig.toString()));

    KubernetesClient client = access.client();

    assertThat(access.client()).isSameAs(client);
    assertThat(client.getConfiguration().getMasterUrl()).isEqualTo("http://127.0.0.1:1/");
    assertThat(client.getConfiguration().getAutoOAuthToken())
        .as("the user of the kubeconfig")
        .isEqualTo("abc");
    assertThat(client.getConfiguration().getRequestRetryBackoffLimit()).isZero();
    assertThat(client.getConfiguration().getRequestTimeout())
        .isEqualTo(KubernetesAccess.REQUEST_TIMEOUT_MS);
  }
}
