package dev.ramp.plugins.gatewayapi;

import dev.ramp.plugin.api.BackendUnavailableException;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.PluginException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** What an API server's answer means to the controller. */
final class KubernetesErrors {

  static final String RBAC =
      "grant the controller's identity get, list and update on httproutes and grpcroutes of"
          + " gateway.networking.k8s.io (the plugin's rbac.yaml)";

  private KubernetesErrors() {}

  /**
   * @param what the request, e.g. "updating HTTPRoute shop/checkout"
   */
  static PluginException map(String what, KubernetesClientException e) {
    int code = e.getCode();
    String detail = detail(e);
    return switch (code) {
      case 401, 403 ->
          new PluginException(
              PluginException.Reason.FAILED_PRECONDITION,
              "the Kubernetes API refused " + what + " (" + code + "): " + detail + "; " + RBAC,
              e);
      case 404 ->
          new InvalidConfigException(
              "trafficRouting",
              what
                  + ": not found ("
                  + detail
                  + "); are Gateway API's CRDs (gateway.networking.k8s.io/v1) installed?");
      case 400, 422 ->
          new InvalidConfigException(
              "trafficRouting", "the Kubernetes API refused " + what + ": " + detail);
      case 409 ->
          new PluginException(
              PluginException.Reason.FAILED_PRECONDITION,
              what + " conflicted with another writer: " + detail,
              e);
      default ->
          // 0 (no answer: connection refused, timeout), 429, 5xx: the API server is the backend.
          new BackendUnavailableException(
              "the Kubernetes API did not serve "
                  + what
                  + (code == 0 ? "" : " (" + code + ")")
                  + ": "
                  + detail,
              e);
    };
  }

  private static String detail(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    Throwable cause = e.getCause();
    String message = e.getMessage();
    if (cause != null && cause.getMessage() != null) {
      return message + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
    }
    return message;
  }
}
