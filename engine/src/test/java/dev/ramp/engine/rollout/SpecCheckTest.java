package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.TrafficRouting;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each invalid spec: InvalidSpec naming the field, phase Degraded, nothing else planned. */
class SpecCheckTest {
  static final List<CanaryStep> STEPS = List.of(CanaryStep.setWeight(20), CanaryStep.pause(null));

  String invalid(Consumer<World> edit) {
    World w = new World(3, STEPS);
    w.converge();
    Map<String, Integer> before = w.replicas();
    edit.accept(w);
    Plan plan = w.reconcile();
    assertThat(plan.replicaSets().create()).isNull();
    assertThat(plan.replicaSets().scales()).isEmpty();
    assertThat(plan.serviceSelectors()).isEmpty();
    assertThat(plan.replicaSets().deletes()).isEmpty();
    assertThat(w.replicas()).isEqualTo(before);
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().condition("InvalidSpec").status).isEqualTo("True");
    assertThat(plan.events()).extracting(Plan.Event::reason).contains("InvalidSpec");
    String message = w.status().condition("InvalidSpec").message;
    assertThat(w.status().message).isEqualTo("InvalidSpec: " + message);
    return message;
  }

  @Test
  void weightOutsideRange() {
    assertThat(
            invalid(
                w -> w.rollout.getSpec().strategy.canary.steps = List.of(CanaryStep.setWeight(-1))))
        .isEqualTo("spec.strategy.canary.steps[0].setWeight: -1 is outside 0-100");
  }

  @Test
  void twoKindsInOneStep() {
    CanaryStep s = CanaryStep.setWeight(10);
    s.plugin = new CanaryStep.PluginStep();
    s.plugin.name = "ramp.dev/x";
    assertThat(invalid(w -> w.rollout.getSpec().strategy.canary.steps = List.of(s)))
        .isEqualTo(
            "spec.strategy.canary.steps[0]: a step sets exactly one kind, found "
                + "setWeight and plugin");
  }

  @Test
  void missingSelector() {
    assertThat(invalid(w -> w.rollout.getSpec().selector = null))
        .isEqualTo(
            "spec.selector: missing; set matchLabels that match spec.template.metadata.labels");
  }

  @Test
  void selectorNotMatchingTheTemplate() {
    assertThat(
            invalid(
                w ->
                    w.rollout.getSpec().selector =
                        new LabelSelectorBuilder().addToMatchLabels("app", "other").build()))
        .isEqualTo(
            "spec.selector: app=other does not match spec.template.metadata.labels "
                + "{app=demo}");
  }

  @Test
  void unparsableDuration() {
    assertThat(
            invalid(
                w ->
                    w.rollout.getSpec().strategy.canary.steps =
                        List.of(CanaryStep.pause("5 minutes"))))
        .isEqualTo(
            "spec.strategy.canary.steps[0].pause.duration: cannot parse duration \"5 minutes\"; use"
                + " an integer of seconds or a Go duration such as 30s, 5m, 1h30m");
  }

  @Test
  void unsupportedArgoFields() {
    assertThat(
            invalid(
                w -> {
                  w.rollout.getSpec().strategy.canary.trafficRouting = new TrafficRouting();
                  w.rollout.getSpec().strategy.canary.trafficRouting.nginx =
                      JsonNodeFactory.instance.objectNode().put("stableIngress", "x");
                }))
        .isEqualTo(
            "spec.strategy.canary.trafficRouting.nginx: Argo's built-in nginx router is "
                + "not supported by Ramp; use a router plugin under "
                + "spec.strategy.canary.trafficRouting.plugins; "
                + "spec.strategy.canary.trafficRouting: set both canaryService and stableService;"
                + " routers move traffic between those two Services");
    assertThat(
            invalid(
                w ->
                    w.rollout.getSpec().strategy.canary.antiAffinity =
                        new dev.ramp.engine.model.AntiAffinity()))
        .isEqualTo(
            "spec.strategy.canary.antiAffinity: name exactly one of"
                + " preferredDuringSchedulingIgnoredDuringExecution and"
                + " requiredDuringSchedulingIgnoredDuringExecution");
    assertThat(
            invalid(
                w -> {
                  CanaryStep e = new CanaryStep();
                  e.experiment = JsonNodeFactory.instance.objectNode();
                  w.rollout.getSpec().strategy.canary.steps = List.of(e);
                }))
        .isEqualTo(
            "spec.strategy.canary.steps[0].experiment: experiment steps are not "
                + "supported by Ramp; remove the step");
  }

  @Test
  void routedCanaryFieldsAsArgoValidatesThem() {
    java.util.function.Consumer<World> routed =
        w -> {
          var c = w.rollout.getSpec().strategy.canary;
          c.canaryService = "canary";
          c.stableService = "stable";
          c.trafficRouting = new TrafficRouting();
          c.trafficRouting.plugins =
              java.util.Map.of("acme/mesh", JsonNodeFactory.instance.objectNode());
        };
    assertThat(
            invalid(
                w -> {
                  routed.accept(w);
                  w.rollout.getSpec().strategy.canary.trafficRouting.plugins = java.util.Map.of();
                }))
        .startsWith("spec.strategy.canary.trafficRouting.plugins: no router;");
    assertThat(
            invalid(
                w -> {
                  routed.accept(w);
                  w.rollout.getSpec().strategy.canary.trafficRouting.maxTrafficWeight = 1000;
                  w.rollout.getSpec().strategy.canary.steps = List.of(CanaryStep.setWeight(1001));
                }))
        .isEqualTo(
            "spec.strategy.canary.steps[0].setWeight: 1001 is outside 0-1000"
                + " (trafficRouting.maxTrafficWeight)");
    assertThat(
            invalid(
                w -> {
                  routed.accept(w);
                  w.rollout.getSpec().strategy.canary.dynamicStableScale = true;
                  w.rollout.getSpec().strategy.canary.scaleDownDelaySeconds = 30;
                }))
        .startsWith(
            "spec.strategy.canary.dynamicStableScale: cannot be used with scaleDownDelaySeconds");
    CanaryStep header = new CanaryStep();
    header.setHeaderRoute = JsonNodeFactory.instance.objectNode().put("name", "dark");
    assertThat(
            invalid(
                w -> {
                  routed.accept(w);
                  w.rollout.getSpec().strategy.canary.steps = List.of(header);
                }))
        .isEqualTo(
            "spec.strategy.canary.steps[0].setHeaderRoute.name: \"dark\" is not in"
                + " spec.strategy.canary.trafficRouting.managedRoutes; list it there (the order"
                + " there is the routes' precedence)");
    CanaryStep badMatch = new CanaryStep();
    badMatch.setHeaderRoute =
        JsonNodeFactory.instance
            .objectNode()
            .put("name", "dark")
            .set(
                "match",
                JsonNodeFactory.instance
                    .arrayNode()
                    .add(
                        JsonNodeFactory.instance
                            .objectNode()
                            .put("headerName", "x-user")
                            .set(
                                "headerValue",
                                JsonNodeFactory.instance
                                    .objectNode()
                                    .put("exact", "a")
                                    .put("prefix", "b"))));
    assertThat(
            invalid(
                w -> {
                  routed.accept(w);
                  w.rollout.getSpec().strategy.canary.steps = List.of(badMatch);
                }))
        .startsWith(
            "spec.strategy.canary.steps[0].setHeaderRoute.match[0].headerValue: set exactly one of"
                + " exact, prefix or regex");
    CanaryStep mirror = new CanaryStep();
    mirror.setMirrorRoute =
        JsonNodeFactory.instance.objectNode().put("name", "shadow").put("percentage", 101);
    assertThat(
            invalid(
                w -> {
                  routed.accept(w);
                  w.rollout.getSpec().strategy.canary.steps = List.of(mirror);
                }))
        .startsWith(
            "spec.strategy.canary.steps[0].setMirrorRoute.percentage: 101 is not an integer");
  }

  @Test
  void blueGreenFieldsAsArgoValidatesThem() {
    assertThat(problems("{previewService: preview}"))
        .containsExactly(
            "spec.strategy.blueGreen.activeService: missing; name the Service that takes the"
                + " traffic");
    assertThat(problems("{activeService: active, previewService: active}"))
        .containsExactly(
            "spec.strategy.blueGreen.previewService: \"active\" is also the activeService; use two"
                + " different Services");
    assertThat(problems("{activeService: nowhere}"))
        .containsExactly(
            "spec.strategy.blueGreen.activeService: Service \"nowhere\" not found in the Rollout's"
                + " namespace");
    assertThat(problems("{activeService: active, steps: [{setWeight: 20}]}"))
        .containsExactly(
            "spec.strategy.blueGreen.steps: a canary field; blue-green has no steps, remove it");
    assertThat(problems("{activeService: active, previewReplicaCount: 0}"))
        .containsExactly(
            "spec.strategy.blueGreen.previewReplicaCount: 0 leaves nothing to preview; use at"
                + " least 1");
    assertThat(problems("{activeService: active, activeMetadata: {labels: {app: other}}}"))
        .containsExactly(
            "spec.strategy.blueGreen.activeMetadata.labels.app: also set in"
                + " spec.template.metadata.labels; the role would overwrite it and remove it when"
                + " the role ends");
    assertThat(
            problems(
                "{activeService: active, previewMetadata: {labels:"
                    + " {rollouts-pod-template-hash: x}}}"))
        .containsExactly(
            "spec.strategy.blueGreen.previewMetadata.labels.rollouts-pod-template-hash: Ramp's"
                + " own label (Services select by it); remove it");
    assertThat(problems("{activeService: active, activeMetadata: {labels: {tier: canary pods}}}"))
        .containsExactly(
            "spec.strategy.blueGreen.activeMetadata.labels.tier: \"canary pods\" is not a valid"
                + " label value (at most 63 characters: letters, digits, '-', '_', '.', beginning"
                + " and ending with a letter or digit)");
    assertThat(problems("{activeService: active, previewMetadata: {annotations: {\"a b\": x}}}"))
        .containsExactly(
            "spec.strategy.blueGreen.previewMetadata.annotations.a b: not a valid key"
                + " ([prefix/]name: a DNS subdomain prefix, a name of at most 63 letters, digits,"
                + " '-', '_', '.')");
    assertThat(
            problems(
                "{activeService: active, antiAffinity:"
                    + " {preferredDuringSchedulingIgnoredDuringExecution: {weight: 0}}}"))
        .containsExactly(
            "spec.strategy.blueGreen.antiAffinity.preferredDuringSchedulingIgnoredDuringExecution"
                + ".weight: 0; use 1 to 100");
    assertThat(
            problems(
                "{activeService: active, activeMetadata: {labels: {role: active}},"
                    + " previewMetadata: {annotations: {role: preview}},"
                    + " antiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}}"))
        .isEmpty();
    assertThat(problems("{activeService: active, previewService: preview}")).isEmpty();
  }

  static dev.ramp.engine.model.Rollout bgRollout(String blueGreen) {
    try {
      return dev.ramp.engine.model.Json.MAPPER.convertValue(
          new com.fasterxml.jackson.databind.ObjectMapper(
                  new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
              .readTree(
                  "apiVersion: ramp.dev/v1alpha1\nkind: Rollout\nmetadata: {name: bg}\nspec:\n"
                      + "  replicas: 2\n  selector: {matchLabels: {app: bg}}\n"
                      + "  template: {metadata: {labels: {app: bg}}, spec: {containers: [{name:"
                      + " app, image: bg:1}]}}\n  strategy:\n    blueGreen: "
                      + blueGreen
                      + "\n"),
          dev.ramp.engine.model.Rollout.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> problems(String blueGreen) {
    try {
      SpecCheck.check(bgRollout(blueGreen), java.util.Set.of("active", "preview"));
      return List.of();
    } catch (InvalidSpecException e) {
      return List.of(e.getMessage().split("; (?=spec\\.)"));
    }
  }

  @Test
  void routerOnlyFieldsWithoutTrafficRouting() {
    CanaryStep scale = new CanaryStep();
    scale.setCanaryScale = new CanaryStep.SetCanaryScaleStep();
    scale.setCanaryScale.replicas = 2;
    assertThat(invalid(w -> w.rollout.getSpec().strategy.canary.steps = List.of(scale)))
        .isEqualTo(
            "spec.strategy.canary.steps[0].setCanaryScale: requires "
                + "spec.strategy.canary.trafficRouting (as in Argo Rollouts)");
    assertThat(invalid(w -> w.rollout.getSpec().strategy.canary.dynamicStableScale = true))
        .isEqualTo(
            "spec.strategy.canary.dynamicStableScale: requires "
                + "spec.strategy.canary.trafficRouting");
    assertThat(invalid(w -> w.rollout.getSpec().strategy.canary.scaleDownDelaySeconds = 30))
        .isEqualTo(
            "spec.strategy.canary.scaleDownDelaySeconds: requires "
                + "spec.strategy.canary.trafficRouting");
  }

  @Test
  void pluginNameMustBeOrgSlashName() {
    CanaryStep p = new CanaryStep();
    p.plugin = new CanaryStep.PluginStep();
    p.plugin.name = "webhook";
    assertThat(invalid(w -> w.rollout.getSpec().strategy.canary.steps = List.of(p)))
        .isEqualTo(
            "spec.strategy.canary.steps[0].plugin.name: \"webhook\" is not of the form "
                + "org/name (for example ramp.dev/step-webhook)");
  }

  @Test
  void severalProblemsAreReportedTogether() {
    assertThat(
            invalid(
                w -> {
                  w.rollout.getSpec().strategy.canary.maxSurge = new IntOrString("x");
                  w.rollout.getSpec().strategy.canary.steps = List.of(CanaryStep.setWeight(101));
                }))
        .isEqualTo(
            "spec.strategy.canary.maxSurge: \"x\" is neither an integer nor a percentage "
                + "such as 25%; spec.strategy.canary.steps[0].setWeight: 101 is outside 0-100");
  }

  @Test
  void missingServiceIsInvalidUntilItExists() {
    assertThat(invalid(w -> w.rollout.getSpec().strategy.canary.canaryService = "nope"))
        .isEqualTo(
            "spec.strategy.canary.canaryService: Service \"nope\" not found in the "
                + "Rollout's namespace");
  }
}
