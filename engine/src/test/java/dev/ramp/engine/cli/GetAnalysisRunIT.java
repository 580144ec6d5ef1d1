package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ramp get rollout` with the runs its Rollout controls and `ramp get analysisrun`, against the
 * embedded API server through a kubeconfig, in-process. The runs are written by hand, as a Rollout
 * would create them (owned through a controller reference).
 */
class GetAnalysisRunIT {

  static EmbeddedCluster cluster;
  static KubernetesClient client;
  @TempDir static Path dir;
  static Path kubeconfig;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(EmbeddedCluster.rampCrds(), List.of("shop"));
    client = cluster.client();
    kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));
    Rollout r = PluginSupport.YAML.readValue(LintCommandTest.VALID, Rollout.class);
    r.getMetadata().setNamespace("shop");
    Rollout checkout = client.resources(Rollout.class).inNamespace("shop").resource(r).create();
    Rollout other = PluginSupport.YAML.readValue(LintCommandTest.VALID, Rollout.class);
    other.getMetadata().setNamespace("shop");
    other.getMetadata().setName("cart");
    other = client.resources(Rollout.class).inNamespace("shop").resource(other).create();

    // The server stamps creationTimestamp (to the second): the failed run is created last, so it
    // is the newest, or ties and comes first by name.
    create(AnalysisRunViewTest.successfulRun(), checkout, true);
    create(AnalysisRunViewTest.failedRun(), checkout, true);
    AnalysisRun foreign = AnalysisRunViewTest.successfulRun();
    foreign.getMetadata().setName("cart-ccc-1");
    create(foreign, other, true);
    AnalysisRun notControlled = AnalysisRunViewTest.successfulRun();
    notControlled.getMetadata().setName("checkout-adopted-1");
    create(notControlled, checkout, false);
  }

  /** Creates the run owned by the Rollout (as its controller or not), then writes its status. */
  static void create(AnalysisRun run, Rollout owner, boolean controller) {
    run.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion(Rollout.API_VERSION)
                    .withKind("Rollout")
                    .withName(owner.getMetadata().getName())
                    .withUid(owner.getMetadata().getUid())
                    .withController(controller)
                    .build()));
    var status = run.getStatus();
    AnalysisRun created =
        client.resources(AnalysisRun.class).inNamespace("shop").resource(run).create();
    created.setStatus(status);
    client.resources(AnalysisRun.class).inNamespace("shop").resource(created).updateStatus();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  static CliHarness.Result ramp(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = kubeconfig.toString();
    all[args.length + 2] = "-n";
    all[args.length + 3] = "shop";
    return CliHarness.run(all);
  }

  @Test
  void getRolloutListsTheRunsItControlsWithTheirLastMeasurements() {
    CliHarness.Result result = ramp("get", "rollout", "checkout");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Analysis runs:")
        .containsPattern("checkout-bbb-2-2 +Failed +\\S+ +success-rate +0\\.8 +Failed +Metric")
        .containsPattern("\n +latency +120 +Successful\n")
        .contains("checkout-aaa-1")
        .doesNotContain("cart-ccc-1")
        .doesNotContain("checkout-adopted-1");
    assertThat(result.out().indexOf("checkout-bbb-2-2"))
        .isLessThan(result.out().indexOf("checkout-aaa-1"));
  }

  @Test
  void getAnalysisRunShowsOneRunWholeUnderEitherName() {
    for (String kind : List.of("analysisrun", "ar", "analysisruns")) {
      CliHarness.Result result = ramp("get", kind, "checkout-bbb-2-2");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.out())
          .startsWith("Name:        checkout-bbb-2-2\n")
          .contains("Owner:       Rollout checkout")
          .contains("Status:      Failed")
          .contains("StartedAt:   2026-11-23T10:02:00Z")
          .contains("token    valueFrom secret creds/tok")
          .contains("Metric success-rate: Failed")
          .contains("count 2, successful 1, failed 1")
          .contains("below 0.95  status=200")
          .doesNotContain("hunter2")
          .doesNotContain("\u001b[");
    }
  }

  @Test
  void outputJsonAndYamlPrintTheRunWithoutSecretValues() throws Exception {
    CliHarness.Result json = ramp("get", "ar", "checkout-bbb-2-2", "-o", "json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode run = PluginSupport.JSON.readTree(json.out());
    assertThat(run.path("kind").asText()).isEqualTo("AnalysisRun");
    assertThat(run.path("status").path("phase").asText()).isEqualTo("Failed");
    assertThat(run.path("spec").path("args").get(1).has("value")).isFalse();
    assertThat(json.out()).doesNotContain("hunter2");

    CliHarness.Result yaml = ramp("get", "analysisrun", "checkout-bbb-2-2", "-o", "yaml");
    assertThat(yaml.exitCode()).as(yaml.err()).isZero();
    JsonNode fromYaml = PluginSupport.YAML.readTree(yaml.out());
    assertThat(fromYaml.path("metadata").path("name").asText()).isEqualTo("checkout-bbb-2-2");
    assertThat(fromYaml.path("status").path("metricResults").get(0).path("measurements"))
        .hasSize(2);
    assertThat(yaml.out()).doesNotContain("hunter2").doesNotStartWith("---");

    CliHarness.Result rollout = ramp("get", "rollout", "checkout", "-o", "json");
    assertThat(PluginSupport.JSON.readTree(rollout.out()).path("kind").asText())
        .isEqualTo("Rollout");
  }

  @Test
  void errorsAreOneLine() {
    CliHarness.Result missing = ramp("get", "ar", "nope");
    assertThat(missing.exitCode()).isEqualTo(3);
    assertThat(missing.err())
        .isEqualTo(
            "error: analysisrun shop/nope not found; `ramp get rollout NAME -n shop` lists a"
                + " rollout's runs\n");

    CliHarness.Result format = ramp("get", "ar", "checkout-bbb-2-2", "-o", "xml");
    assertThat(format.exitCode()).isEqualTo(3);
    assertThat(format.err()).isEqualTo("error: -o xml is not supported; use -o json or -o yaml\n");

    CliHarness.Result watch = ramp("get", "ar", "checkout-bbb-2-2", "-o", "json", "--watch");
    assertThat(watch.exitCode()).isEqualTo(3);
    assertThat(watch.err()).contains("leave out --watch");
  }

  @Test
  void watchUntilDoneStopsAtOnceOnACompletedRun() {
    CliHarness.Result result =
        ramp("get", "ar", "checkout-aaa-1", "--watch", "--until-done", "--interval", "50ms");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("Status:      Successful").doesNotContain("---");
  }
}
