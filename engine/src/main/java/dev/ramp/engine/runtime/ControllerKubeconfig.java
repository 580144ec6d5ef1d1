package dev.ramp.engine.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ramp.engine.host.KubernetesAccess;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The controller's own access to the Kubernetes API as a kubeconfig, for the plugins whose {@code
 * ramp-config} entry says {@code kubernetesAccess: true}: made from the fabric8 {@link Config} of
 * the controller's client at each plugin start. It carries the server, the CA (data or file, left
 * out when the controller trusts every certificate, which then says {@code
 * insecure-skip-tls-verify}), the client certificate and key (data or file), the bearer token or
 * basic credentials, and the namespace.
 *
 * <p>In a cluster (the client was configured from the pod's ServiceAccount, not from a kubeconfig
 * file) the user names the ServiceAccount's token file ({@code tokenFile}), which the kubelet
 * rotates in place, so a plugin whose client re-reads it (client-go, which prefers it to {@code
 * token}) keeps working across rotations; it also carries the file's content at the start as {@code
 * token}, for clients that ignore {@code tokenFile} (fabric8 7.x). Outside a cluster the token is
 * the one the controller holds when the plugin starts.
 */
final class ControllerKubeconfig implements KubernetesAccess {

  /** The projected ServiceAccount token a pod's containers find. */
  static final Path SERVICE_ACCOUNT_TOKEN = Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH);

  private static final String NAME = "ramp-controller";
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private final Config config;
  private final Path serviceAccountToken;

  /** The access of the controller's client, in a pod read from the pod's ServiceAccount. */
  ControllerKubeconfig(Config config) {
    this(config, SERVICE_ACCOUNT_TOKEN);
  }

  /**
   * @param serviceAccountToken where a pod's ServiceAccount token would be (a test gives another)
   */
  ControllerKubeconfig(Config config, Path serviceAccountToken) {
    this.config = Objects.requireNonNull(config, "config");
    this.serviceAccountToken = Objects.requireNonNull(serviceAccountToken, "serviceAccountToken");
  }

  @Override
  public String kubeconfig() {
    // fabric8 always has one (its default is https://kubernetes.default.svc/).
    String server = config.getMasterUrl();
    ObjectNode root = YAML.createObjectNode();
    root.put("apiVersion", "v1");
    root.put("kind", "Config");
    ObjectNode cluster = named(root, "clusters", "cluster");
    cluster.put("server", server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
    if (config.isTrustCerts()) {
      // client-go refuses a CA together with this flag.
      cluster.put("insecure-skip-tls-verify", true);
    } else {
      dataOrFile(cluster, "certificate-authority", config.getCaCertData(), config.getCaCertFile());
    }
    ObjectNode context = named(root, "contexts", "context");
    context.put("cluster", NAME);
    context.put("user", NAME);
    if (!isBlank(config.getNamespace())) {
      context.put("namespace", config.getNamespace());
    }
    root.put("current-context", NAME);
    user(named(root, "users", "user"));
    try {
      return YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the kubeconfig: " + e.getMessage(), e);
    }
  }

  private void user(ObjectNode user) {
    dataOrFile(user, "client-certificate", config.getClientCertData(), config.getClientCertFile());
    dataOrFile(user, "client-key", config.getClientKeyData(), config.getClientKeyFile());
    if (inCluster()) {
      user.put("tokenFile", serviceAccountToken.toAbsolutePath().toString());
      user.put("token", serviceAccountTokenNow());
    } else {
      String token = token();
      if (!isBlank(token)) {
        user.put("token", token);
      }
    }
    if (!isBlank(config.getUsername()) && !isBlank(config.getPassword())) {
      user.put("username", config.getUsername());
      user.put("password", config.getPassword());
    }
  }

  /**
   * Whether the client was configured from a pod's ServiceAccount: no kubeconfig file, no token
   * given explicitly, a token found automatically, and the ServiceAccount's token file present.
   */
  private boolean inCluster() {
    return config.getFile() == null
        && isBlank(config.getOauthToken())
        && config.getOauthTokenProvider() == null
        && !isBlank(config.getAutoOAuthToken())
        && Files.isRegularFile(serviceAccountToken);
  }

  /** The ServiceAccount token as the kubelet keeps it now (fresher than the client's copy). */
  private String serviceAccountTokenNow() {
    try {
      return Files.readString(serviceAccountToken).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the ServiceAccount token " + serviceAccountToken + ": " + e.getMessage(), e);
    }
  }

  /** The bearer token the controller's client sends now, as fabric8 picks it. */
  private String token() {
    OAuthTokenProvider provider = config.getOauthTokenProvider();
    if (provider != null) {
      return provider.getToken();
    }
    return isBlank(config.getOauthToken()) ? config.getAutoOAuthToken() : config.getOauthToken();
  }

  /** The {@code <key>-data} field when there is data, else {@code <key>} with the file's path. */
  private static void dataOrFile(ObjectNode node, String key, String data, String file) {
    if (!isBlank(data)) {
      node.put(key + "-data", data);
    } else if (!isBlank(file)) {
      node.put(key, Path.of(file).toAbsolutePath().toString());
    }
  }

  /** Adds {@code [{name: ramp-controller, <field>: {}}]} under {@code list}; returns the inner. */
  private static ObjectNode named(ObjectNode root, String list, String field) {
    ObjectNode item = root.putArray(list).addObject();
    item.put("name", NAME);
    return item.putObject(field);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
