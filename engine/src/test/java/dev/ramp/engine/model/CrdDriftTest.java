package dev.ramp.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD YAML in config/crd/ is generated from the Java model. This test regenerates it and fails
 * on any difference; {@code -Dramp.updateCrds=true} rewrites config/crd/ instead.
 */
class CrdDriftTest {
  static final Path CRD_DIR = Path.of("..", "config", "crd");
  static final Path CHECKED_IN = checkedIn(Rollout.class);

  /** Every custom resource of the model; each has its own file in config/crd/. */
  static Stream<Class<? extends CustomResource<?, ?>>> customResources() {
    return Stream.of(
        Rollout.class, AnalysisTemplate.class, ClusterAnalysisTemplate.class, AnalysisRun.class);
  }

  /** The checked-in CRD of a model class, named as the generator names it. */
  static Path checkedIn(Class<? extends HasMetadata> kind) {
    return CRD_DIR.resolve(fileName(kind));
  }

  private static String fileName(Class<? extends HasMetadata> kind) {
    return HasMetadata.getFullResourceName(kind) + "-v1.yml";
  }

  @ParameterizedTest
  @MethodSource("customResources")
  void checkedInCrdMatchesTheModel(Class<? extends CustomResource<?, ?>> kind, @TempDir Path dir)
      throws IOException {
    new CRDGenerator()
        .customResourceClasses(kind)
        .forCRDVersions("v1")
        .inOutputDir(dir.toFile())
        .generate();
    String generated = withColumnsInDeclaredOrder(kind, dir.resolve(fileName(kind)));
    Path checkedIn = checkedIn(kind);
    if (Boolean.getBoolean("ramp.updateCrds")) {
      Files.createDirectories(checkedIn.getParent());
      Files.writeString(checkedIn, generated);
    }
    String regenerate =
        "regenerate it with mvn -pl engine -am test -Dtest=CrdDriftTest -Dramp.updateCrds=true "
            + "-Dsurefire.failIfNoSpecifiedTests=false";
    assertThat(Files.exists(checkedIn))
        .as("config/crd/" + fileName(kind) + " is missing; " + regenerate)
        .isTrue();
    assertThat(Files.readString(checkedIn))
        .as("config/crd/" + fileName(kind) + " drifted from the Java model; " + regenerate)
        .isEqualTo(generated);
  }

  /**
   * The generator does not keep the declared order of printer columns, which is the order kubectl
   * shows them in; put them back in the order of the annotations on {@code kind}.
   */
  static String withColumnsInDeclaredOrder(Class<?> kind, Path generated) throws IOException {
    ObjectMapper yaml =
        new ObjectMapper(
            new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    JsonNode crd = yaml.readTree(generated.toFile());
    List<String> order =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (JsonNode version : crd.path("spec").path("versions")) {
      if (!(version.get("additionalPrinterColumns") instanceof ArrayNode columns)) {
        continue;
      }
      List<JsonNode> sorted = new ArrayList<>();
      columns.forEach(sorted::add);
      sorted.sort(
          (a, b) ->
              Integer.compare(
                  order.indexOf(a.path("name").asText()), order.indexOf(b.path("name").asText())));
      columns.removeAll();
      columns.addAll(sorted);
    }
    return "# Generated from "
        + kind.getName()
        + " by CrdDriftTest; do not edit.\n"
        + yaml.writeValueAsString(crd);
  }
}
