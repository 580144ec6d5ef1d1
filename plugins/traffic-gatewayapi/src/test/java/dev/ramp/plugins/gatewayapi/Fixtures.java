package dev.ramp.plugins.gatewayapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The routes of the tests, from src/test/resources/routes. */
final class Fixtures {

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  /** The metadata a server fills in; a whole-route comparison leaves them out. */
  static final List<String> SERVER_METADATA =
      List.of("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields");

  private Fixtures() {}

  /** A fixture's text. */
  static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/routes/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /routes/" + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HTTPRoute http(String name) {
    return SERIALIZATION.unmarshal(text(name), HTTPRoute.class);
  }

  static GRPCRoute grpc(String yaml) {
    return SERIALIZATION.unmarshal(yaml, GRPCRoute.class);
  }

  /** A fixture as a JSON tree, exactly as written (no model in between). */
  static JsonNode tree(String name) {
    try {
      return YAML.readTree(text(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A route as a JSON tree, without the metadata a server fills in. */
  static JsonNode tree(HasMetadata route) {
    try {
      return withoutServerMetadata(JSON.readTree(SERIALIZATION.asJson(route)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode withoutServerMetadata(JsonNode route) {
    JsonNode copy = route.deepCopy();
    if (copy.path("metadata") instanceof ObjectNode metadata) {
      metadata.remove(SERVER_METADATA);
    }
    return copy;
  }

  /** Asserts that a route is, whole, the fixture (the server's metadata left out). */
  static void assertRoute(HasMetadata actual, String fixture) {
    assertRoute(tree(actual), fixture);
  }

  static void assertRoute(JsonNode actual, String fixture) {
    JsonNode expected = tree(fixture);
    JsonNode stripped = withoutServerMetadata(actual);
    org.assertj.core.api.Assertions.assertThat(stripped)
        .as("the route, whole:%n%s%nis not %s:%n%s", yaml(stripped), fixture, yaml(expected))
        .isEqualTo(expected);
  }

  /** A JSON tree as YAML, for failure messages a person can read. */
  static String yaml(JsonNode tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
