package dev.ramp.engine.sandbox;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Locale;

/**
 * The Gateway API kinds the embedded cluster serves ({@code gateway.networking.k8s.io/v1}), as
 * generic resources: the engine has no model of them (the routers that edit them are plugins).
 *
 * <p>The CRDs are <b>stand-ins</b>, so that the mock server serves the paths and keeps {@code
 * status} a subresource, as a cluster with Gateway API installed does: group, kind, plural, scope,
 * one version ({@code v1}) and a schema that keeps every field. They are not the upstream schemas:
 * nothing is validated, defaulted or pruned (a real server with CRDs older than v1.2 drops an
 * HTTPRoute's mirror {@code percent}; this one keeps it).
 */
final class GatewayApi {

  static final String GROUP = "gateway.networking.k8s.io";
  static final String VERSION = "v1";
  static final String API_VERSION = GROUP + "/" + VERSION;

  /** A kind of the group: its plural, its scope, and whether it is a route with parents. */
  record Kind(String kind, String plural, boolean namespaced, boolean route) {
    String singular() {
      return kind.toLowerCase(Locale.ROOT);
    }

    ResourceDefinitionContext context() {
      return new ResourceDefinitionContext.Builder()
          .withGroup(GROUP)
          .withVersion(VERSION)
          .withKind(kind)
          .withPlural(plural)
          .withNamespaced(namespaced)
          .build();
    }
  }

  static final Kind GATEWAY_CLASS = new Kind("GatewayClass", "gatewayclasses", false, false);
  static final Kind GATEWAY = new Kind("Gateway", "gateways", true, false);
  static final Kind HTTP_ROUTE = new Kind("HTTPRoute", "httproutes", true, true);
  static final Kind GRPC_ROUTE = new Kind("GRPCRoute", "grpcroutes", true, true);

  static final List<Kind> KINDS = List.of(GATEWAY_CLASS, GATEWAY, HTTP_ROUTE, GRPC_ROUTE);

  /** The routes, whose {@code status.parents} a Gateway controller writes. */
  static final List<Kind> ROUTES = List.of(HTTP_ROUTE, GRPC_ROUTE);

  private GatewayApi() {}

  /** The stand-in CRDs, one per kind. */
  static List<CustomResourceDefinition> crds() {
    return KINDS.stream().map(GatewayApi::crd).toList();
  }

  private static CustomResourceDefinition crd(Kind k) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(k.plural() + "." + GROUP)
        .addToAnnotations(
            "ramp.dev/stand-in", "served by the embedded cluster; not the upstream schema")
        .endMetadata()
        .withNewSpec()
        .withGroup(GROUP)
        .withScope(k.namespaced() ? "Namespaced" : "Cluster")
        .withNewNames()
        .withKind(k.kind())
        .withListKind(k.kind() + "List")
        .withPlural(k.plural())
        .withSingular(k.singular())
        .endNames()
        .addNewVersion()
        .withName(VERSION)
        .withServed(true)
        .withStorage(true)
        .withNewSubresources()
        .withNewStatus()
        .endStatus()
        .endSubresources()
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .endVersion()
        .endSpec()
        .build();
  }
}
