package dev.ramp.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD YAML in config/crd/ is generated from the Java model. This test regenerates it and fails
 * on any difference; {@code -Dramp.updateCrds=true} rewrites config/crd/ instead.
 */
class CrdDriftTest {
  static final Path CHECKED_IN = Path.of("..", "config", "crd", "rollouts.ramp.dev-v1.yml");

  @Test
  void checkedInCrdMatchesTheModel(@TempDir Path dir) throws IOException {
    new CRDGenerator()
        .customResourceClasses(Rollout.class)
        .forCRDVersions("v1")
        .inOutputDir(dir.toFile())
        .generate();
    String generated = withColumnsInDeclaredOrder(dir.resolve("rollouts.ramp.dev-v1.yml"));
    if (Boolean.getBoolean("ramp.updateCrds")) {
      Files.createDirectories(CHECKED_IN.getParent());
      Files.writeString(CHECKED_IN, generated);
    }
    assertThat(Files.exists(CHECKED_IN))
        .as(
            "config/crd/rollouts.ramp.dev-v1.yml is missing; regenerate it with "
                + "mvn -pl engine -am test -Dtest=CrdDriftTest -Dramp.updateCrds=true "
                + "-Dsurefire.failIfNoSpecifiedTests=false")
        .isTrue();
    assertThat(Files.readString(CHECKED_IN))
        .as(
            "config/crd/ drifted from the Java model; regenerate it with "
                + "mvn -pl engine -am test -Dtest=CrdDriftTest -Dramp.updateCrds=true "
                + "-Dsurefire.failIfNoSpecifiedTests=false")
        .isEqualTo(generated);
  }

  /**
   * The generator does not keep the declared order of printer columns, which is the order kubectl
   * shows them in; put them back in the order of the annotations on {@link Rollout}.
   */
  static String withColumnsInDeclaredOrder(Path generated) throws IOException {
    ObjectMapper yaml =
        new ObjectMapper(
            new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    JsonNode crd = yaml.readTree(generated.toFile());
    List<String> order =
        Arrays.stream(Rollout.class.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (JsonNode version : crd.path("spec").path("versions")) {
      ArrayNode columns = (ArrayNode) version.get("additionalPrinterColumns");
      List<JsonNode> sorted = new ArrayList<>();
      columns.forEach(sorted::add);
      sorted.sort(
          (a, b) ->
              Integer.compare(
                  order.indexOf(a.path("name").asText()), order.indexOf(b.path("name").asText())));
      columns.removeAll();
      columns.addAll(sorted);
    }
    return "# Generated from dev.ramp.engine.model.Rollout by CrdDriftTest; do not edit.\n"
        + yaml.writeValueAsString(crd);
  }
}
