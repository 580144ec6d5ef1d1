package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintCommandTest {

  @TempDir Path dir;

  static final String VALID =
      String.join(
          "\n",
          "apiVersion: ramp.dev/v1alpha1",
          "kind: Rollout",
          "metadata:",
          "  name: checkout",
          "spec:",
          "  replicas: 3",
          "  selector:",
          "    matchLabels: {app: checkout}",
          "  template:",
          "    metadata:",
          "      labels: {app: checkout}",
          "    spec:",
          "      containers: [{name: app, image: shop:1}]",
          "  strategy:",
          "    canary:",
          "      canaryService: checkout-canary",
          "      stableService: checkout-stable",
          "      steps:",
          "      - setWeight: 20",
          "      - pause: {}",
          "");

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void aValidRolloutIsCleanAndOtherKindsAreNoted() throws Exception {
    Path file =
        write(
            "ok.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: checkout-canary}\n---\n" + VALID);

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .isEqualTo(
            file + ":1: kind Service is not checked\n" + file + ":5: Rollout checkout: ok\n");
  }

  @Test
  void analysisTemplatesAreCheckedAsARunReadsThem() throws Exception {
    Path file =
        write(
            "templates.yaml",
            String.join(
                "\n",
                "apiVersion: ramp.dev/v1alpha1",
                "kind: AnalysisTemplate",
                "metadata: {name: success-rate}",
                "spec:",
                "  args: [{name: service}]",
                "  metrics:",
                "  - name: success-rate",
                "    interval: 1m",
                "    successCondition: result[0] >= 0.95",
                "    provider: {prometheus: {address: 'http://prom:9090', query: up}}",
                "---",
                "apiVersion: ramp.dev/v1alpha1",
                "kind: ClusterAnalysisTemplate",
                "metadata: {name: latency}",
                "spec:",
                "  metrics:",
                "  - name: latency",
                "    interval: soon",
                "    successCondition: 'all(result, # < 1000)'",
                "    provider: {web: {url: 'http://x'}}",
                ""));

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo(file + ":1: AnalysisTemplate success-rate: ok");
    assertThat(lines.get(1))
        .startsWith(file + ":18: ClusterAnalysisTemplate latency: spec.metrics[0].interval: ");
    assertThat(lines.get(2))
        .startsWith(file + ":19: ClusterAnalysisTemplate latency: spec.metrics[0].successCondition")
        .contains("result.all(x, x < 1000)");
  }

  /** A template nesting {@code base} and the ClusterAnalysisTemplate {@code shared}. */
  static final String NESTING =
      String.join(
          "\n",
          "apiVersion: ramp.dev/v1alpha1",
          "kind: AnalysisTemplate",
          "metadata: {name: checkout}",
          "spec:",
          "  templates:",
          "  - templateName: base",
          "  - {templateName: shared, clusterScope: true}",
          "  metrics:",
          "  - name: errors",
          "    successCondition: result[0] < 1",
          "    provider: {prometheus: {address: 'http://prom:9090', query: '{{args.service}}'}}",
          "");

  static final String NESTED =
      String.join(
          "\n",
          "apiVersion: ramp.dev/v1alpha1",
          "kind: AnalysisTemplate",
          "metadata: {name: base}",
          "spec:",
          "  args: [{name: service}]",
          "  metrics:",
          "  - name: success-rate",
          "    successCondition: result[0] >= 0.95",
          "    provider: {prometheus: {address: 'http://prom:9090', query: up}}",
          "---",
          "apiVersion: ramp.dev/v1alpha1",
          "kind: ClusterAnalysisTemplate",
          "metadata: {name: shared}",
          "spec:",
          "  metrics:",
          "  - name: latency",
          "    successCondition: result[0] < 300",
          "    provider: {web: {url: 'http://latency'}}",
          "");

  @Test
  void nestedTemplatesAreFoundInAllTheFilesGiven() throws Exception {
    Path top = write("top.yaml", NESTING);
    Path nested = write("nested.yaml", NESTED);

    CliHarness.Result result =
        CliHarness.run("lint", "-f", top.toString(), "-f", nested.toString());

    assertThat(result.out().lines())
        .containsExactly(
            top + ":1: AnalysisTemplate checkout: ok",
            nested + ":1: AnalysisTemplate base: ok",
            nested + ":11: ClusterAnalysisTemplate shared: ok");
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void aNestedTemplateNotGivenIsNamedAtItsReference() throws Exception {
    Path top = write("top.yaml", NESTING);

    CliHarness.Result result = CliHarness.run("lint", "-f", top.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out().lines())
        .containsExactly(
            top
                + ":6: AnalysisTemplate checkout: spec.templates[0]: AnalysisTemplate base is not"
                + " in the files given",
            top
                + ":7: AnalysisTemplate checkout: spec.templates[1]: ClusterAnalysisTemplate shared"
                + " is not in the files given");
  }

  @Test
  void theFlattenedTemplateIsChecked() throws Exception {
    // shared now also measures "errors", and the nested base has a bad metric of its own.
    Path top = write("top.yaml", NESTING);
    Path nested =
        write(
            "nested.yaml",
            NESTED
                .replace("name: latency", "name: errors")
                .replace("successCondition: result[0] >= 0.95", "successCondition: result[0] >="));

    CliHarness.Result result =
        CliHarness.run("lint", "-f", top.toString(), "-f", nested.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            top
                + ":8: AnalysisTemplate checkout: spec.metrics: two metrics have the same name"
                + " 'errors' (AnalysisTemplate checkout, ClusterAnalysisTemplate shared)");
    // base's own problem is reported at base, once.
    assertThat(lines.get(1)).startsWith(nested + ":8: AnalysisTemplate base: spec.metrics[0]");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(2)).isEqualTo(nested + ":11: ClusterAnalysisTemplate shared: ok");
  }

  @Test
  void theFlattenedTemplatesProblemsInItsOwnMetricsKeepTheirLines() throws Exception {
    Path top = write("top.yaml", NESTING.replace("result[0] < 1", "result[0] <"));
    Path nested = write("nested.yaml", NESTED);

    CliHarness.Result result =
        CliHarness.run("lint", "-f", top.toString(), "-f", nested.toString());

    assertThat(result.out().lines().findFirst().orElseThrow())
        .startsWith(top + ":10: AnalysisTemplate checkout: spec.metrics[0].successCondition");
  }

  @Test
  void nestingInACycleIsAProblem() throws Exception {
    Path file =
        write(
            "loop.yaml",
            String.join(
                "\n",
                "apiVersion: ramp.dev/v1alpha1",
                "kind: AnalysisTemplate",
                "metadata: {name: a}",
                "spec:",
                "  templates: [{templateName: b}]",
                "---",
                "apiVersion: ramp.dev/v1alpha1",
                "kind: AnalysisTemplate",
                "metadata: {name: b}",
                "spec:",
                "  templates: [{templateName: a}]",
                ""));

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.out().lines())
        .containsExactly(
            file
                + ":5: AnalysisTemplate a: spec.templates[0]: templates nest in a cycle:"
                + " AnalysisTemplate a -> AnalysisTemplate b -> AnalysisTemplate a",
            file
                + ":11: AnalysisTemplate b: spec.templates[0]: templates nest in a cycle:"
                + " AnalysisTemplate b -> AnalysisTemplate a -> AnalysisTemplate b");
  }

  @Test
  void everyProblemNamesItsFieldAndLineAcrossDocuments() throws Exception {
    String bad =
        VALID
            .replace("      - setWeight: 20", "      - setWeight: 120")
            .replace("      - pause: {}", "      - pause: {duration: soon}")
            .replace("matchLabels: {app: checkout}", "matchLabels: {app: other}");
    Path file = write("bad.yaml", VALID + "---\n" + bad);

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    // The second document starts on line 22; its fields sit 21 lines below the first's.
    assertThat(result.out().lines())
        .contains(file + ":1: Rollout checkout: ok")
        .anyMatch(l -> l.startsWith(file + ":28: Rollout checkout: spec.selector: "))
        .anyMatch(
            l ->
                l.startsWith(
                    file + ":40: Rollout checkout: spec.strategy.canary.steps[0].setWeight: 120"))
        .anyMatch(
            l ->
                l.startsWith(
                    file + ":41: Rollout checkout: spec.strategy.canary.steps[1].pause.duration:"));
    assertThat(result.out().lines().filter(l -> !l.endsWith(": ok"))).hasSize(3);
  }

  @Test
  void aWrongTypeIsReportedAtItsField() throws Exception {
    Path file = write("type.yaml", VALID.replace("replicas: 3", "replicas: three"));

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).startsWith(file + ":6: Rollout checkout: spec.replicas: ");
  }

  @Test
  void aMissingFieldPointsAtItsParentAndArgoApiVersionIsNamed() throws Exception {
    Path file =
        write(
            "missing.yaml",
            VALID.substring(0, VALID.indexOf("  strategy:"))
                + "  strategy: {}\n"
                + "---\n"
                + VALID.replace("ramp.dev/v1alpha1", "argoproj.io/v1alpha1"));

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            file + ":14: Rollout checkout: spec.strategy: missing; set spec.strategy.canary or")
        .contains(
            file
                + ":16: Rollout checkout: apiVersion: \"argoproj.io/v1alpha1\" is not Ramp's;"
                + " write apiVersion: ramp.dev/v1alpha1");
  }

  @Test
  void aDocumentWithoutKindIsAProblem() throws Exception {
    Path file = write("nokind.yaml", "metadata: {name: x}\n");

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .isEqualTo(file + ":1: document 1 has no kind; set apiVersion and kind\n");
  }

  @Test
  void aFileThatIsNotYamlIsOneLineAndExit3() throws Exception {
    Path file = write("broken.yaml", "kind: Rollout\nspec: [unclosed\n  - {a: b\n");

    CliHarness.Result result = CliHarness.run("lint", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).startsWith("error: file " + file + " is not YAML (line 3): ");
    assertThat(result.err().lines()).hasSize(1);
  }

  @Test
  void binaryAndScalarFilesAreRefused() throws Exception {
    Path binary = dir.resolve("binary.yaml");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    CliHarness.Result notText = CliHarness.run("lint", "-f", binary.toString());
    assertThat(notText.exitCode()).isEqualTo(3);
    assertThat(notText.err())
        .isEqualTo("error: file " + binary + " is not YAML: it is not UTF-8 text\n");

    Path prose = write("prose.yaml", "just some words\n");
    CliHarness.Result scalar = CliHarness.run("lint", "-f", prose.toString());
    assertThat(scalar.exitCode()).isEqualTo(1);
    assertThat(scalar.out())
        .isEqualTo(
            prose
                + ":1: document 1 is not a Kubernetes object (a mapping with apiVersion and"
                + " kind)\n");
  }

  @Test
  void everyVerbAnswersHelp() {
    for (String verb : List.of("lint", "status", "get", "list", "promote", "set image", "undo")) {
      CliHarness.Result result = CliHarness.run((verb + " --help").split(" "));
      assertThat(result.exitCode()).as(verb).isZero();
      assertThat(result.out()).as(verb).startsWith("Usage: ramp " + verb);
    }
  }

  @Test
  void aMissingFileIsExit3() {
    CliHarness.Result result = CliHarness.run("lint", "-f", dir.resolve("nope.yaml").toString());

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err())
        .isEqualTo("error: file " + dir.resolve("nope.yaml") + " does not exist\n");
  }
}
