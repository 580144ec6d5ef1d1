package dev.ramp.engine.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.engine.model.AnalysisTemplate;
import dev.ramp.engine.model.ClusterAnalysisTemplate;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rehearsal.Rehearsal.Outcome;
import dev.ramp.engine.rehearsal.Rehearsal.StepRecord;
import dev.ramp.engine.rehearsal.Rehearsal.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rehearsal of the basic canary example, at speed 100, promoted automatically. */
class RehearsalIT {

  @TempDir Path work;
  private final List<String> log = new ArrayList<>();

  private Rehearsal.Options options(boolean autoPromote, Duration timeout) {
    return new Rehearsal.Options(
        100, Duration.ofSeconds(10), autoPromote, timeout, null, work, log::add);
  }

  @Test
  void theBasicCanaryRunsToHealthyWithItsStepHistory() {
    try (Rehearsal rehearsal = Rehearsal.start(options(true, Duration.ofMinutes(30)))) {
      Rollout rollout =
          rehearsal.apply(List.of(Path.of("../examples/basic-canary/rollout.yaml"))).get(0);
      assertThat(rehearsal.awaitStable(rollout).verdict()).isEqualTo(Verdict.HEALTHY);

      rehearsal.newRevision(rollout, "registry.example/checkout:1.1.0");
      List<String> phases = new ArrayList<>();
      Outcome outcome = rehearsal.runToEnd(rollout, r -> phases.add(r.getStatus().phase));

      assertThat(outcome.verdict()).isEqualTo(Verdict.HEALTHY);
      assertThat(outcome.history())
          .extracting(StepRecord::index, StepRecord::step, StepRecord::result)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(0, "setWeight 20", "completed"),
              org.assertj.core.groups.Tuple.tuple(1, "pause 30s", "completed"),
              org.assertj.core.groups.Tuple.tuple(2, "setWeight 60", "completed"),
              org.assertj.core.groups.Tuple.tuple(3, "pause until promoted", "promoted"));
      assertThat(outcome.history())
          .allSatisfy(s -> assertThat(s.end()).isAfterOrEqualTo(s.start()));
      assertThat(phases).contains("Paused", "Healthy");
      assertThat(log).anyMatch(l -> l.startsWith("promoting default/checkout"));
      assertThat(rehearsal.kubeconfig()).exists();
    }
  }

  @Test
  void withoutPromotionItTimesOutAtTheIndefinitePause() {
    try (Rehearsal rehearsal = Rehearsal.start(options(false, Duration.ofMinutes(3)))) {
      Rollout rollout =
          rehearsal.apply(List.of(Path.of("../examples/basic-canary/rollout.yaml"))).get(0);
      rehearsal.awaitStable(rollout);
      rehearsal.newRevision(rollout, null);
      Outcome outcome = rehearsal.runToEnd(rollout, r -> {});
      assertThat(outcome.verdict()).isEqualTo(Verdict.TIMED_OUT);
      assertThat(outcome.rollout().getStatus().currentStepIndex).isEqualTo(3);
    }
  }

  @Test
  void analysisObjectsAreAppliedBeforeTheRollout() {
    try (Rehearsal rehearsal = Rehearsal.start(options(false, Duration.ofMinutes(3)))) {
      List<Rollout> rollouts =
          rehearsal.apply(
              List.of(
                  Path.of("../examples/basic-canary/rollout.yaml"),
                  Path.of("src/test/resources/rehearsal/analysis-objects.yaml")));
      assertThat(rollouts).extracting(r -> r.getMetadata().getName()).containsExactly("checkout");

      var client = rehearsal.client();
      AnalysisTemplate template =
          client
              .resources(AnalysisTemplate.class)
              .inNamespace("default")
              .withName("success-rate")
              .get();
      assertThat(template.getSpec().args.get(0).valueFrom.secretKeyRef.name).isEqualTo("metrics");
      assertThat(client.resources(ClusterAnalysisTemplate.class).withName("always-fine").get())
          .isNotNull();
      assertThat(client.secrets().inNamespace("default").withName("metrics").get().getStringData())
          .containsEntry("url", "http://127.0.0.1:1/metrics");
      assertThat(client.secrets().inNamespace("monitoring").withName("token").get().getData())
          .containsEntry("token", "c2VjcmV0");
      assertThat(client.configMaps().inNamespace("default").withName("thresholds").get().getData())
          .containsEntry("minRate", "0.95");
      assertThat(rehearsal.analysisRuns(rollouts.get(0))).isEmpty();

      List<String> applied = log.stream().filter(l -> l.startsWith("applied ")).toList();
      assertThat(applied)
          .containsExactly(
              "applied Namespace monitoring",
              "applied ConfigMap default/thresholds",
              "applied Secret default/metrics",
              "applied Secret monitoring/token",
              "applied AnalysisTemplate default/success-rate",
              "applied ClusterAnalysisTemplate always-fine",
              "applied Service default/checkout-stable",
              "applied Service default/checkout-canary",
              "applied Rollout default/checkout");
    }
  }

  @Test
  void anObjectGivenTwiceIsAppliedOnceAsTheLaterFileHasIt() throws Exception {
    Path first =
        Files.writeString(
            work.resolve("first.yaml"),
            "apiVersion: v1\nkind: Secret\nmetadata: {name: url}\nstringData: {url: first}\n"
                + "---\napiVersion: v1\nkind: Secret\nmetadata: {name: url, namespace: other}\n"
                + "stringData: {url: other}\n"
                + "---\napiVersion: ramp.dev/v1alpha1\nkind: ClusterAnalysisTemplate\n"
                + "metadata: {name: fine}\nspec: {metrics: []}\n");
    Path second =
        Files.writeString(
            work.resolve("second.yaml"),
            "apiVersion: v1\nkind: Secret\nmetadata: {name: url, namespace: default}\n"
                + "stringData: {url: second}\n"
                + "---\napiVersion: ramp.dev/v1alpha1\nkind: ClusterAnalysisTemplate\n"
                + "metadata: {name: fine, namespace: ignored}\nspec: {metrics: [{name: m}]}\n");
    var kept =
        Manifests.lastOfEachObject(Manifests.read(List.of(first, second)), log::add).stream()
            .map(m -> m.id() + " " + m.file().getFileName())
            .toList();
    // A namespace left out is "default"; a cluster-scoped object's namespace does not count.
    assertThat(kept)
        .containsExactly(
            "Secret other/url first.yaml",
            "Secret default/url second.yaml",
            "ClusterAnalysisTemplate fine second.yaml");
    assertThat(log)
        .containsExactly(
            "Secret default/url from " + second + " replaces the one from " + first,
            "ClusterAnalysisTemplate fine from " + second + " replaces the one from " + first);

    log.clear();
    try (Rehearsal rehearsal = Rehearsal.start(options(false, Duration.ofMinutes(3)))) {
      rehearsal.apply(List.of(Path.of("../examples/basic-canary/rollout.yaml"), first, second));
      assertThat(rehearsal.client().secrets().inNamespace("default").withName("url").get())
          .extracting(s -> s.getStringData().get("url"))
          .isEqualTo("second");
      assertThat(log).filteredOn(l -> l.startsWith("applied Secret default/url")).hasSize(1);
    }
  }

  @Test
  void badManifestsAreOneClearMessage() throws Exception {
    Path notYaml = Files.writeString(work.resolve("bad.yaml"), "kind: [unclosed\n");
    Path unknownKind =
        Files.writeString(
            work.resolve("deploy.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n");
    assertThatThrownBy(() -> Manifests.read(List.of(notYaml)))
        .isInstanceOf(RehearsalException.class)
        .hasMessageContaining("bad.yaml: not valid YAML");
    List<String> notes = new ArrayList<>();
    assertThat(Manifests.read(List.of(unknownKind), notes::add)).isEmpty();
    assertThat(notes)
        .containsExactly(
            unknownKind + ": skipped Deployment web (apps/v1): a rehearsal does not simulate it");
    Path rampTypo =
        Files.writeString(
            work.resolve("run.yaml"),
            "apiVersion: ramp.dev/v1alpha1\nkind: AnalysisRun\nmetadata: {name: web}\n");
    assertThatThrownBy(() -> Manifests.read(List.of(rampTypo)))
        .hasMessageContaining(
            "kind AnalysisRun (ramp.dev/v1alpha1) is not one a rehearsal applies");
    assertThatThrownBy(() -> Manifests.read(List.of(work.resolve("missing.yaml"))))
        .hasMessageContaining("missing.yaml: no such file");
  }

  @Test
  void relativePluginLocationsAreResolvedAgainstTheFile() {
    var manifests =
        Manifests.read(List.of(Path.of("../examples/canary-with-plugin/ramp-config.yaml")));
    String steps = manifests.get(0).document().path("data").path("stepPlugins").asText();
    assertThat(steps)
        .contains(
            "location: \""
                + Path.of("../tests/python/step_plugin.py").toAbsolutePath().normalize());
  }
}
