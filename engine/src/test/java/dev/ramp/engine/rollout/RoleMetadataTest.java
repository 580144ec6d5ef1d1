package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AntiAffinity;
import dev.ramp.engine.model.BlueGreenStrategy;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.PodTemplateMetadata;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pod metadata by role and anti-affinity, reconcile by reconcile on the in-memory world. */
class RoleMetadataTest {
  static final PodTemplateMetadata ACTIVE =
      new PodTemplateMetadata(Map.of("role", "active"), Map.of("served-by", "active"));
  static final PodTemplateMetadata PREVIEW =
      new PodTemplateMetadata(Map.of("role", "preview"), null);

  static BlueGreenStrategy withRoles() {
    BlueGreenStrategy b = BlueGreenTest.strategy();
    b.activeMetadata = ACTIVE;
    b.previewMetadata = PREVIEW;
    return b;
  }

  @Test
  void theFirstDeployIsActive() {
    World w = World.blueGreen(3, withRoles());
    w.converge();
    assertThat(w.roles).containsExactly(Map.entry(w.nameOf(w.status().stableRS), ACTIVE));
  }

  @Test
  void previewUntilTheActiveServiceSwitchesThenActiveAndTheOldLosesItsRole() {
    BlueGreenStrategy b = withRoles();
    b.autoPromotionEnabled = false;
    World w = BlueGreenTest.atV2(b);
    String v1 = BlueGreenTest.v1(w);
    w.converge();
    String v2 = w.status().currentPodHash;
    assertThat(w.selectors).containsEntry("active", v1);
    assertThat(w.roles).containsEntry(w.nameOf(v1), ACTIVE).containsEntry(w.nameOf(v2), PREVIEW);

    w.status().pauseConditions = null; // ramp promote
    Plan plan = w.reconcile();
    assertThat(plan.serviceSelectors()).containsEntry("active", v2);
    // The same reconcile moves the roles: from preview to active, and the old one has none.
    assertThat(plan.roleMetadata())
        .extracting(Plan.RoleMetadataWrite::replicaSet, Plan.RoleMetadataWrite::to)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(w.nameOf(v1), PodTemplateMetadata.none()),
            org.assertj.core.groups.Tuple.tuple(w.nameOf(v2), ACTIVE));
    // What a write may take off: every key a role of this Rollout names.
    assertThat(plan.roleMetadata())
        .allSatisfy(
            x -> {
              assertThat(x.from().labels).containsKey("role");
              assertThat(x.from().annotations).containsKey("served-by");
            });
    w.converge();
    assertThat(w.roles).containsExactly(Map.entry(w.nameOf(v2), ACTIVE));
  }

  @Test
  void anAbortAfterTheSwitchMovesTheActiveRoleBackWithTheService() {
    BlueGreenStrategy b = withRoles();
    b.postPromotionAnalysis = BlueGreenTest.analysis();
    World w = BlueGreenTest.atV2(b);
    String v1 = BlueGreenTest.v1(w);
    w.converge();
    String v2 = w.status().currentPodHash;
    assertThat(w.selectors).containsEntry("active", v2);
    assertThat(w.roles).containsEntry(w.nameOf(v2), ACTIVE).doesNotContainKey(w.nameOf(v1));

    w.status().abort = true;
    Plan plan = w.reconcile();
    assertThat(plan.serviceSelectors()).containsEntry("active", v1);
    assertThat(w.roles).containsEntry(w.nameOf(v1), ACTIVE).containsEntry(w.nameOf(v2), PREVIEW);
  }

  @Test
  void nothingIsWrittenOnceTheRolesAreInPlace() {
    World w = World.blueGreen(3, withRoles());
    w.converge();
    assertThat(w.reconcile().roleMetadata()).isEmpty();
  }

  @Test
  void removingTheFieldsTakesWhatRampPutThereOff() {
    World w = World.blueGreen(3, withRoles());
    w.converge();
    String v1 = w.status().stableRS;
    w.rollout.getSpec().strategy.blueGreen.activeMetadata = null;
    w.rollout.getSpec().strategy.blueGreen.previewMetadata = null;
    Plan plan = w.reconcile();
    assertThat(plan.roleMetadata())
        .containsExactly(
            new Plan.RoleMetadataWrite(w.nameOf(v1), v1, ACTIVE, PodTemplateMetadata.none()));
    // A change that stopped half way ("pending") is written again, whatever the role is now.
    w.roles.put(w.nameOf(v1), PodTemplateMetadata.pending());
    assertThat(w.reconcile().roleMetadata())
        .extracting(Plan.RoleMetadataWrite::to)
        .containsExactly(PodTemplateMetadata.none());
    assertThat(w.roles).isEmpty();
  }

  @Test
  void aCanaryIsLabelledCanaryUntilItBecomesStable() {
    PodTemplateMetadata canary = new PodTemplateMetadata(Map.of("role", "canary"), null);
    PodTemplateMetadata stable = new PodTemplateMetadata(Map.of("role", "stable"), null);
    World w = new World(4, List.of(CanaryStep.setWeight(25), CanaryStep.pause(null)));
    w.rollout.getSpec().strategy.canary.canaryMetadata = canary;
    w.rollout.getSpec().strategy.canary.stableMetadata = stable;
    w.converge();
    String v1 = w.status().stableRS;
    assertThat(w.roles).containsExactly(Map.entry(w.nameOf(v1), stable));

    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    String v2 = w.status().currentPodHash;
    assertThat(w.roles).containsEntry(w.nameOf(v1), stable).containsEntry(w.nameOf(v2), canary);

    w.status().pauseConditions = null;
    w.status().controllerPause = null;
    w.status().promoteFull = true;
    w.converge();
    assertThat(w.status().stableRS).isEqualTo(v2);
    assertThat(w.roles).containsExactly(Map.entry(w.nameOf(v2), stable));
  }

  @Test
  void aNewReplicaSetAvoidsTheStableOnesNodes() {
    BlueGreenStrategy b = BlueGreenTest.strategy();
    b.antiAffinity = new AntiAffinity();
    b.antiAffinity.preferredDuringSchedulingIgnoredDuringExecution = new AntiAffinity.Preferred();
    b.antiAffinity.preferredDuringSchedulingIgnoredDuringExecution.weight = 40;
    World w = World.blueGreen(3, b);
    Plan first = w.reconcile();
    // The first ReplicaSet has no stable one to avoid.
    assertThat(first.replicaSets().create().template().path("spec").has("affinity")).isFalse();
    w.converge();
    String v1 = w.status().stableRS;

    w.rollout.getSpec().template = World.template("demo:2");
    JsonNode anti =
        w.reconcile()
            .replicaSets()
            .create()
            .template()
            .at("/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution");
    assertThat(anti.size()).isEqualTo(1);
    assertThat(anti.get(0).get("weight").asInt()).isEqualTo(40);
    JsonNode term = anti.get(0).get("podAffinityTerm");
    assertThat(term.get("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
    assertThat(term.at("/labelSelector/matchExpressions/0/key").asText())
        .isEqualTo("rollouts-pod-template-hash");
    assertThat(term.at("/labelSelector/matchExpressions/0/values/0").asText()).isEqualTo(v1);
    assertThat(term.at("/namespaces/0").asText()).isEqualTo("default");
    // The Rollout's own template is not changed by it.
    assertThat(w.rollout.getSpec().template.path("spec").has("affinity")).isFalse();
  }

  @Test
  void aRequiredRuleIsAddedBesideTheTemplatesOwnAntiAffinity() throws Exception {
    World w = new World(2, List.of(CanaryStep.setWeight(50)));
    w.rollout.getSpec().strategy.canary.antiAffinity = new AntiAffinity();
    w.rollout.getSpec()
            .strategy
            .canary
            .antiAffinity
            .requiredDuringSchedulingIgnoredDuringExecution =
        new AntiAffinity.Required();
    w.converge();
    JsonNode v2 =
        dev.ramp.engine.model.Json.MAPPER.readTree(
            "{\"metadata\":{\"labels\":{\"app\":\"demo\"}},\"spec\":{\"containers\":[{\"name\":"
                + "\"app\",\"image\":\"demo:2\"}],\"affinity\":{\"podAntiAffinity\":"
                + "{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":\"zone\"}]}}}}");
    w.rollout.getSpec().template = v2;
    Plan plan = w.reconcile();
    assertThat(plan.replicaSets().create()).as(String.valueOf(w.status().message)).isNotNull();
    JsonNode required =
        plan.replicaSets()
            .create()
            .template()
            .at("/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution");
    assertThat(required.size()).isEqualTo(2);
    assertThat(required.get(0).get("topologyKey").asText()).isEqualTo("zone");
    assertThat(required.get(1).at("/labelSelector/matchExpressions/0/values/0").asText())
        .isEqualTo(w.status().stableRS);
  }
}
