package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.ramp.engine.cli.MistakenManifests.Case;
import dev.ramp.engine.cli.MistakenManifests.Seen;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The embedded API server does not validate, so the generated CRD's {@code openAPIV3Schema} is put
 * to a JSON-schema validator: every typo and type error of the mistaken manifests is refused there
 * too, as a real API server with strict field validation (kubectl's default) refuses them at apply.
 * Strict field validation refuses a field a structural schema does not declare where the schema
 * does not preserve unknown fields; in JSON-schema terms that is {@code additionalProperties:
 * false} on those objects, added here and nowhere else.
 */
class CrdSchemaRefusesTest {
  static final Path CRD = Path.of("..", "config", "crd", "rollouts.ramp.dev-v1.yml");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static Schema spec;

  @BeforeAll
  static void readCrd() throws IOException {
    JsonNode schema =
        YAML.readTree(CRD.toFile())
            .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec")
            .deepCopy();
    strict(schema);
    spec = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
  }

  /** {@code additionalProperties: false} on every object with properties that keeps no others. */
  static void strict(JsonNode node) {
    if (node instanceof ObjectNode o
        && o.has("properties")
        && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      o.put("additionalProperties", false);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      strict(it.next().getValue());
    }
    if (node.isArray()) {
      node.forEach(CrdSchemaRefusesTest::strict);
    }
  }

  static List<Error> errors(String manifest) throws IOException {
    return spec.validate(YAML.readTree(manifest).path("spec"));
  }

  static Stream<Case> typos() {
    return MistakenManifests.all().stream().filter(c -> c.seen() == Seen.SCHEMA);
  }

  @Test
  void theValidManifestAndArgosExamplesFitTheSchema() throws IOException {
    assertThat(errors(MistakenManifests.VALID)).isEmpty();
    for (String file : List.of("rollout-analysis-step.yaml", "rollout-bluegreen.yaml")) {
      for (JsonNode doc :
          YAML.readValues(
                  YAML.createParser(Path.of("..", "examples", "argo", file).toFile()),
                  JsonNode.class)
              .readAll()) {
        if (doc.path("kind").asText().equals("Rollout")) {
          assertThat(spec.validate(doc.path("spec"))).as(file).isEmpty();
        }
      }
    }
    assertThat(typos()).hasSizeGreaterThanOrEqualTo(15);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("typos")
  void everyTypoAndTypeErrorIsRefusedByTheSchema(Case c) throws IOException {
    List<Error> errors = errors(c.manifest());
    // The field the message names is the one the validator refuses (or holds the refused one).
    String field = c.message().substring(0, c.message().indexOf(": "));
    String pointer =
        field.substring("spec".length()).replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
    assertThat(errors)
        .as(c.name())
        .isNotEmpty()
        .anySatisfy(
            e ->
                assertThat(pointer)
                    .startsWith(
                        e.getInstanceLocation().toString()
                            + (e.getProperty() == null ? "" : "/" + e.getProperty())));
  }
}
