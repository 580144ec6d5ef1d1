package dev.ramp.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubeconfig a plugin with {@code kubernetesAccess} gets, for each form of the controller's
 * credentials; each is read back with fabric8's own kubeconfig parser.
 */
class ControllerKubeconfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String SERVER = "https://10.96.0.1:443";

  @TempDir Path dir;

  /** Where a pod's token would be; absent unless a test writes it. */
  private Path serviceAccountToken;

  @BeforeEach
  void noPod() {
    serviceAccountToken = dir.resolve("serviceaccount").resolve("token");
  }

  private String kubeconfig(Config config) {
    return new ControllerKubeconfig(config, serviceAccountToken).kubeconfig();
  }

  private static Config config() {
    Config config = Config.empty();
    config.setMasterUrl(SERVER);
    return config;
  }

  private static String b64(String text) {
    return Base64.getEncoder()
        .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonNode user(String kubeconfig) throws Exception {
    return YAML.readTree(kubeconfig).path("users").get(0).path("user");
  }

  private static JsonNode cluster(String kubeconfig) throws Exception {
    return YAML.readTree(kubeconfig).path("clusters").get(0).path("cluster");
  }

  @Test
  void certificatesAsDataAndTheNamespace() throws Exception {
    Config config = config();
    config.setCaCertData(b64("CA"));
    config.setClientCertData(b64("CERT"));
    config.setClientKeyData(b64("KEY"));
    config.setNamespace("ramp-system");

    String text = kubeconfig(config);
    Config read = Config.fromKubeconfig(text);

    assertThat(read.getMasterUrl()).isEqualTo(SERVER + "/");
    assertThat(read.getCaCertData()).isEqualTo(b64("CA"));
    assertThat(read.getClientCertData()).isEqualTo(b64("CERT"));
    assertThat(read.getClientKeyData()).isEqualTo(b64("KEY"));
    assertThat(read.getNamespace()).isEqualTo("ramp-system");
    assertThat(read.isTrustCerts()).isFalse();
    assertThat(read.getAutoOAuthToken()).isNull();
    assertThat(text).doesNotContain("insecure-skip-tls-verify");
    assertThat(YAML.readTree(text).path("current-context").asText()).isEqualTo("ramp-controller");
  }

  @Test
  void certificatesAsFilesAndABearerToken() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.crt"), "CA");
    Path cert = Files.writeString(dir.resolve("client.crt"), "CERT");
    Path key = Files.writeString(dir.resolve("client.key"), "KEY");
    Config config = config();
    config.setCaCertFile(ca.toString());
    config.setClientCertFile(cert.toString());
    config.setClientKeyFile(key.toString());
    config.setOauthToken("t0ken");

    Config read = Config.fromKubeconfig(kubeconfig(config));

    assertThat(read.getMasterUrl()).isEqualTo(SERVER + "/");
    assertThat(read.getCaCertFile()).isEqualTo(ca.toString());
    assertThat(read.getClientCertFile()).isEqualTo(cert.toString());
    assertThat(read.getClientKeyFile()).isEqualTo(key.toString());
    assertThat(read.getAutoOAuthToken()).isEqualTo("t0ken");
  }

  @Test
  void theTokenOfATokenProviderIsAskedForAtEachStart() throws Exception {
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    Config config = config();
    config.setOauthTokenProvider(() -> "fresh-" + asked.incrementAndGet());
    ControllerKubeconfig access = new ControllerKubeconfig(config, serviceAccountToken);

    assertThat(Config.fromKubeconfig(access.kubeconfig()).getAutoOAuthToken()).isEqualTo("fresh-1");
    assertThat(Config.fromKubeconfig(access.kubeconfig()).getAutoOAuthToken()).isEqualTo("fresh-2");
  }

  @Test
  void basicCredentials() {
    Config config = config();
    config.setUsername("admin");
    config.setPassword("pa55");

    Config read = Config.fromKubeconfig(kubeconfig(config));

    assertThat(read.getUsername()).isEqualTo("admin");
    assertThat(read.getPassword()).isEqualTo("pa55");
  }

  @Test
  void aControllerThatTrustsEveryCertificateSaysSoAndNamesNoCa() throws Exception {
    Config config = config();
    config.setTrustCerts(true);
    config.setCaCertData(b64("CA"));

    String text = kubeconfig(config);

    assertThat(cluster(text).path("insecure-skip-tls-verify").asBoolean()).isTrue();
    assertThat(cluster(text).has("certificate-authority-data")).isFalse();
    assertThat(Config.fromKubeconfig(text).isTrustCerts()).isTrue();
  }

  @Test
  void theEmbeddedApiServerOfARehearsal() throws Exception {
    // As sandbox.EmbeddedCluster configures the rehearsal's controller.
    Config config = Config.empty();
    config.setMasterUrl("http://127.0.0.1:40123");
    config.setTrustCerts(true);
    config.setNamespace("default");

    String text = kubeconfig(config);
    Config read = Config.fromKubeconfig(text);

    assertThat(cluster(text).path("server").asText()).isEqualTo("http://127.0.0.1:40123");
    assertThat(read.getMasterUrl()).isEqualTo("http://127.0.0.1:40123/");
    assertThat(read.getNamespace()).isEqualTo("default");
    assertThat(user(text).isEmpty()).isTrue();
  }

  @Test
  void inAPodTheUserNamesTheServiceAccountTokenFileSoThatRotationKeepsWorking() throws Exception {
    Files.createDirectories(serviceAccountToken.getParent());
    Files.writeString(serviceAccountToken, "sa-token-1");
    Path ca = Files.writeString(serviceAccountToken.resolveSibling("ca.crt"), "CA");
    // As fabric8 configures a client from the pod's ServiceAccount: no kubeconfig file, the token
    // read from the file, the CA as a file.
    Config config = config();
    config.setAutoOAuthToken("sa-token-1");
    config.setCaCertFile(ca.toString());
    config.setNamespace("ramp-system");
    ControllerKubeconfig access = new ControllerKubeconfig(config, serviceAccountToken);

    String first = access.kubeconfig();
    assertThat(user(first).path("tokenFile").asText()).isEqualTo(serviceAccountToken.toString());
    Config read = Config.fromKubeconfig(first);
    assertThat(read.getMasterUrl()).isEqualTo(SERVER + "/");
    assertThat(read.getCaCertFile()).isEqualTo(ca.toString());
    assertThat(read.getNamespace()).isEqualTo("ramp-system");
    assertThat(read.getAutoOAuthToken()).isEqualTo("sa-token-1");

    // The kubelet rotated the token; the client still holds the old one. A plugin that starts now
    // gets the file's current token besides the file's path.
    Files.writeString(serviceAccountToken, "sa-token-2\n");
    String later = access.kubeconfig();
    assertThat(user(later).path("tokenFile").asText()).isEqualTo(serviceAccountToken.toString());
    assertThat(Config.fromKubeconfig(later).getAutoOAuthToken()).isEqualTo("sa-token-2");
  }

  @Test
  void aControllerStartedFromAKubeconfigFileHandsOnItsTokenEvenInAPod() throws Exception {
    Files.createDirectories(serviceAccountToken.getParent());
    Files.writeString(serviceAccountToken, "sa-token");
    Path file =
        Files.writeString(
            dir.resolve("kubeconfig"),
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: prod",
                "  cluster:",
                "    server: " + SERVER,
                "    certificate-authority-data: " + b64("CA"),
                "contexts:",
                "- name: prod",
                "  context: {cluster: prod, user: ops, namespace: ramp-system}",
                "current-context: prod",
                "users:",
                "- name: ops",
                "  user: {token: ops-token}",
                ""));
    Config controller = Config.fromKubeconfig(null, file.toFile());

    Config read = Config.fromKubeconfig(kubeconfig(controller));

    assertThat(read.getMasterUrl()).isEqualTo(SERVER + "/");
    assertThat(read.getCaCertData()).isEqualTo(b64("CA"));
    assertThat(read.getAutoOAuthToken()).isEqualTo("ops-token");
    assertThat(read.getNamespace()).isEqualTo("ramp-system");
  }
}
