package dev.ramp.engine.cli;

import java.util.List;
import java.util.Set;

/**
 * Mistaken Rollouts, each a change of one valid manifest, with the one message it must get. Shared
 * by the table test (lint and the controller) and the schema test (the CRD's openAPIV3Schema).
 */
final class MistakenManifests {
  private MistakenManifests() {}

  /** Where the mistake is seen. */
  enum Seen {
    /** By lint and the controller, and a typo or type error the CRD schema refuses too. */
    SCHEMA,
    /** By lint and the controller; a rule beyond a structural schema (Kubernetes' or Ramp's). */
    RULE,
    /** By lint only: the API server refuses it (or cannot even hold it) before a controller. */
    LINT
  }

  /** One mistake: {@code from} in the valid manifest becomes {@code to}. */
  record Case(String name, String from, String to, Seen seen, String message) {
    String manifest() {
      if (!VALID.contains(from) || VALID.indexOf(from) != VALID.lastIndexOf(from)) {
        throw new IllegalArgumentException(name + ": \"" + from + "\" is not once in the manifest");
      }
      return VALID.replace(from, to);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The Services the controller's reconcile observes. */
  static final Set<String> SERVICES = Set.of("checkout-canary", "checkout-stable", "checkout-a");

  static final String CONTAINER =
      "{name: app, image: 'shop:1', ports: [{containerPort: 8080}],"
          + " resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 500m, memory: 128Mi}}}";

  static final String VALID =
      String.join(
          "\n",
          "apiVersion: ramp.dev/v1alpha1",
          "kind: Rollout",
          "metadata:",
          "  name: checkout",
          "spec:",
          "  replicas: 3",
          "  minReadySeconds: 0",
          "  selector:",
          "    matchLabels: {app: checkout}",
          "  template:",
          "    metadata:",
          "      labels: {app: checkout}",
          "    spec:",
          "      containers: [" + CONTAINER + "]",
          "  strategy:",
          "    canary:",
          "      maxSurge: 1",
          "      steps:",
          "      - setWeight: 20",
          "      - pause: {duration: 10s}",
          "      - setWeight: 50",
          "      - pause: {}",
          "");

  private static final String C = "spec.template.spec.containers[0]";
  private static final String S0 = "spec.strategy.canary.steps[0]";
  private static final String S1 = "spec.strategy.canary.steps[1]";

  static Case c(String name, String from, String to, Seen seen, String message) {
    return new Case(name, from, to, seen, message);
  }

  static List<Case> all() {
    return List.of(
        c(
            "pause duration misspelt",
            "{duration: 10s}",
            "{duraton: 10s}",
            Seen.SCHEMA,
            S1 + ".pause.duraton: unknown field; did you mean duration?"),
        c(
            "strategy misspelt",
            "  strategy:",
            "  stratgy:",
            Seen.SCHEMA,
            "spec.stratgy: unknown field; did you mean strategy?"),
        c(
            "setWeight misspelt",
            "- setWeight: 20",
            "- setWieght: 20",
            Seen.SCHEMA,
            S0 + ".setWieght: unknown field; did you mean setWeight?"),
        c(
            "matchLabels misspelt",
            "matchLabels:",
            "matchLabel:",
            Seen.SCHEMA,
            "spec.selector.matchLabel: unknown field; did you mean matchLabels?"),
        c(
            "container field misspelt",
            "image: 'shop:1'",
            "imag: 'shop:1'",
            Seen.SCHEMA,
            C + ".imag: unknown field; did you mean image?"),
        c(
            "resources misspelt",
            "resources:",
            "resource:",
            Seen.SCHEMA,
            C + ".resource: unknown field; did you mean resources?"),
        c(
            "a blue-green field under canary",
            "      maxSurge: 1",
            "      activeService: a",
            Seen.SCHEMA,
            "spec.strategy.canary.activeService: a blue-green field; canary has no"
                + " activeService, remove it"),
        c(
            "a canary field under blueGreen",
            "    canary:\n      maxSurge: 1",
            "    blueGreen:\n      activeService: checkout-a",
            Seen.SCHEMA,
            "spec.strategy.blueGreen.steps: a canary field; blue-green has no steps, remove it"),
        c(
            "setWeight a fraction",
            "- setWeight: 20",
            "- setWeight: 50.5",
            Seen.SCHEMA,
            S0 + ".setWeight: must be an integer, not the fraction 50.5"),
        c(
            "setWeight a string",
            "- setWeight: 20",
            "- setWeight: \"50\"",
            Seen.SCHEMA,
            S0 + ".setWeight: must be an integer, not the string \"50\""),
        c(
            "replicas a fraction",
            "replicas: 3",
            "replicas: 1.5",
            Seen.SCHEMA,
            "spec.replicas: must be an integer, not the fraction 1.5"),
        c(
            "replicas a word",
            "replicas: 3",
            "replicas: three",
            Seen.SCHEMA,
            "spec.replicas: must be an integer, not the string \"three\""),
        c(
            "maxSurge a fraction",
            "maxSurge: 1",
            "maxSurge: 1.5",
            Seen.SCHEMA,
            "spec.strategy.canary.maxSurge: must be an integer or a string, not the fraction 1.5"),
        c(
            "paused a word",
            "  replicas: 3",
            "  replicas: 3\n  paused: \"yes\"",
            Seen.SCHEMA,
            "spec.paused: must be true or false, not the string \"yes\""),
        c(
            "dynamicStableScale a number",
            "      maxSurge: 1",
            "      maxSurge: 1\n      dynamicStableScale: 1",
            Seen.SCHEMA,
            "spec.strategy.canary.dynamicStableScale: must be true or false, not the number 1"),
        c(
            "steps an object",
            "      steps:\n      - setWeight: 20\n      - pause: {duration: 10s}\n"
                + "      - setWeight: 50\n      - pause: {}",
            "      steps: {setWeight: 20}",
            Seen.SCHEMA,
            "spec.strategy.canary.steps: must be a list, not an object"),
        c(
            "containerPort a string",
            "containerPort: 8080",
            "containerPort: \"80\"",
            Seen.SCHEMA,
            C + ".ports[0].containerPort: must be an integer, not the string \"80\""),
        c(
            "labels a list",
            "labels: {app: checkout}",
            "labels: [app]",
            Seen.SCHEMA,
            "spec.template.metadata.labels: must be an object (a mapping of fields), not a list"),
        c(
            "autoPromotionSeconds a string",
            "    canary:\n      maxSurge: 1\n      steps:\n"
                + "      - setWeight: 20\n      - pause: {duration: 10s}\n      - setWeight: 50\n"
                + "      - pause: {}",
            "    blueGreen: {activeService: checkout-a, autoPromotionSeconds: \"30\"}",
            Seen.SCHEMA,
            "spec.strategy.blueGreen.autoPromotionSeconds: must be an integer, not the string"
                + " \"30\""),
        c(
            "no containers",
            "containers: [" + CONTAINER + "]",
            "containers: []",
            Seen.RULE,
            "spec.template.spec.containers: at least one container is required"),
        c(
            "a container without image",
            "image: 'shop:1', ",
            "",
            Seen.RULE,
            C + ".image: an image is required"),
        c(
            "a container without name",
            "name: app, ",
            "",
            Seen.RULE,
            C + ".name: a container name is required"),
        c(
            "a container name that is not DNS-1123",
            "name: app,",
            "name: App_1,",
            Seen.RULE,
            C
                + ".name: \"App_1\" is not a valid name: at most 63 characters, lower-case letters,"
                + " digits and '-', beginning and ending with a letter or digit (RFC 1123)"),
        c(
            "two containers with one name",
            "containers: [" + CONTAINER + "]",
            "containers: [" + CONTAINER + ", {name: app, image: 'side:1'}]",
            Seen.RULE,
            "spec.template.spec.containers[1].name: \"app\" is used by another container;"
                + " names must be unique"),
        c(
            "containerPort negative",
            "containerPort: 8080",
            "containerPort: -1",
            Seen.RULE,
            C + ".ports[0].containerPort: -1 is outside 1-65535"),
        c(
            "containerPort too high",
            "containerPort: 8080",
            "containerPort: 70000",
            Seen.RULE,
            C + ".ports[0].containerPort: 70000 is outside 1-65535"),
        c(
            "a port name with capitals",
            "containerPort: 8080",
            "containerPort: 8080, name: HTTP",
            Seen.RULE,
            C
                + ".ports[0].name: \"HTTP\" is not a valid port name (at most 15 characters:"
                + " lower-case letters, digits and '-', with a letter, no '--', not at an end)"),
        c(
            "a protocol that is not one",
            "containerPort: 8080",
            "containerPort: 8080, protocol: HTTP",
            Seen.RULE,
            C + ".ports[0].protocol: \"HTTP\" is not TCP, UDP or SCTP"),
        c(
            "cpu not a quantity",
            "cpu: 500m",
            "cpu: lots",
            Seen.RULE,
            C
                + ".resources.limits.cpu: \"lots\" is not a quantity (such as 500m, 1, 2.5, 128Mi,"
                + " 1G)"),
        c(
            "memory with a wrong suffix",
            "memory: 64Mi",
            "memory: 64MB",
            Seen.RULE,
            C
                + ".resources.requests.memory: \"64MB\" is not a quantity (such as 500m, 1, 2.5,"
                + " 128Mi, 1G)"),
        c(
            "a negative quantity",
            "cpu: 100m",
            "cpu: -1",
            Seen.RULE,
            C + ".resources.requests.cpu: -1 is negative"),
        c(
            "request above the limit",
            "cpu: 100m",
            "cpu: 2",
            Seen.RULE,
            C + ".resources.requests.cpu: 2 is more than the limit 500m"),
        c(
            "an env name with '='",
            "containerPort: 8080}]",
            "containerPort: 8080}], env: [{name: A=B}]",
            Seen.RULE,
            C
                + ".env[0].name: \"A=B\" is not a valid variable name (printable ASCII other than"
                + " '=')"),
        c(
            "a mount of no volume",
            "containerPort: 8080}]",
            "containerPort: 8080}], volumeMounts: [{name: data, mountPath: /data}]",
            Seen.RULE,
            C + ".volumeMounts[0].name: no volume \"data\" in spec.template.spec.volumes"),
        c(
            "restartPolicy Never",
            "    spec:\n      containers",
            "    spec:\n      restartPolicy: Never\n      containers",
            Seen.RULE,
            "spec.template.spec.restartPolicy: \"Never\" is not supported; a Rollout's pods use"
                + " Always (as a Deployment's)"),
        c(
            "a label value with a space",
            "labels: {app: checkout}",
            "labels: {app: checkout, tier: 'front end'}",
            Seen.RULE,
            "spec.template.metadata.labels[tier]: \"front end\" is not a valid label value (at"
                + " most 63 characters: letters, digits, '-', '_', '.', beginning and ending with a"
                + " letter or digit)"),
        c(
            "a pause of 9999999999999999h",
            "{duration: 10s}",
            "{duration: 9999999999999999h}",
            Seen.RULE,
            S1
                + ".pause.duration: duration \"9999999999999999h\" is longer than a year; use at"
                + " most 8760h"),
        c(
            "a pause of 9000000000000h",
            "{duration: 10s}",
            "{duration: 9000000000000h}",
            Seen.RULE,
            S1
                + ".pause.duration: duration \"9000000000000h\" is longer than a year; use at most"
                + " 8760h"),
        c(
            "a pause of two years in seconds",
            "{duration: 10s}",
            "{duration: 63072000}",
            Seen.RULE,
            S1 + ".pause.duration: duration 63072000 is longer than a year; use at most 8760h"),
        c(
            "a pause in words",
            "{duration: 10s}",
            "{duration: 10 minutes}",
            Seen.RULE,
            S1
                + ".pause.duration: cannot parse duration \"10 minutes\"; use an integer of"
                + " seconds or a Go duration such as 30s, 5m, 1h30m"),
        c(
            "a negative pause",
            "{duration: 10s}",
            "{duration: -10}",
            Seen.RULE,
            S1 + ".pause.duration: duration -10 is negative; use seconds >= 0"),
        c(
            "setWeight above 100",
            "- setWeight: 20",
            "- setWeight: 150",
            Seen.RULE,
            S0 + ".setWeight: 150 is outside 0-100"),
        c(
            "replicas negative",
            "replicas: 3",
            "replicas: -1",
            Seen.RULE,
            "spec.replicas: -1 is negative"),
        c(
            "progressDeadlineSeconds beyond 32 bits",
            "  replicas: 3",
            "  replicas: 3\n  progressDeadlineSeconds: 99999999999",
            Seen.RULE,
            "spec.progressDeadlineSeconds: 99999999999 is out of range (-2147483648 to"
                + " 2147483647)"),
        c(
            "minReadySeconds negative",
            "minReadySeconds: 0",
            "minReadySeconds: -1",
            Seen.RULE,
            "spec.minReadySeconds: -1 is negative"),
        c(
            "an empty step",
            "- setWeight: 20",
            "- {}",
            Seen.RULE,
            S0 + ": empty step; set exactly one step kind"),
        c(
            "a step of two kinds",
            "- setWeight: 20",
            "- {setWeight: 20, pause: {}}",
            Seen.RULE,
            S0 + ": a step sets exactly one kind, found setWeight and pause"),
        c(
            "a plugin config that is not an object",
            "- setWeight: 20",
            "- plugin: {name: acme/smoke, config: 5}",
            Seen.RULE,
            S0 + ".plugin.config: must be an object (the plugin's own fields), not the number 5"),
        c(
            "a plugin name without org",
            "- setWeight: 20",
            "- plugin: {name: smoke}",
            Seen.RULE,
            S0
                + ".plugin.name: \"smoke\" is not of the form org/name (for example"
                + " ramp.dev/step-webhook)"),
        c(
            "an analysis step without templates",
            "- setWeight: 20",
            "- analysis: {}",
            Seen.RULE,
            S0 + ".analysis.templates: at least one template is required"),
        c(
            "an experiment step",
            "- setWeight: 20",
            "- experiment: {duration: 1h}",
            Seen.RULE,
            S0 + ".experiment: experiment steps are not supported by Ramp; remove the step"),
        c(
            "restartAt not a time",
            "  replicas: 3",
            "  replicas: 3\n  restartAt: yesterday",
            Seen.RULE,
            "spec.restartAt: \"yesterday\" is not an RFC 3339 time"),
        c(
            "a workloadRef",
            "  replicas: 3",
            "  replicas: 3\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: x}",
            Seen.RULE,
            "spec.workloadRef: workload references are not supported by Ramp; put the pod"
                + " template in spec.template"),
        c(
            "Argo's built-in istio router",
            "      maxSurge: 1",
            "      maxSurge: 1\n      canaryService: checkout-canary\n"
                + "      stableService: checkout-stable\n"
                + "      trafficRouting: {istio: {virtualService: {name: vs}}}",
            Seen.RULE,
            "spec.strategy.canary.trafficRouting.istio: Argo's built-in istio router is not"
                + " supported by Ramp; use a router plugin under"
                + " spec.strategy.canary.trafficRouting.plugins"),
        c(
            "a scale-down delay without a router",
            "      maxSurge: 1",
            "      maxSurge: 1\n      scaleDownDelaySeconds: 30",
            Seen.RULE,
            "spec.strategy.canary.scaleDownDelaySeconds: requires"
                + " spec.strategy.canary.trafficRouting"),
        c(
            "kind misspelt",
            "kind: Rollout",
            "kind: Rollot",
            Seen.LINT,
            "kind: \"Rollot\" is not a kind of ramp.dev; did you mean Rollout? (ramp.dev has"
                + " Rollout, AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun)"),
        c(
            "a duplicate key",
            "  replicas: 3",
            "  replicas: 3\n  replicas: 4",
            Seen.LINT,
            "spec.replicas: duplicate key (first on line 6); give it once"),
        c(
            "a name that is not DNS-1123",
            "name: checkout",
            "name: Checkout_1",
            Seen.LINT,
            "metadata.name: \"Checkout_1\" is not a valid name: lower-case letters, digits, '-'"
                + " and '.', beginning and ending with a letter or digit (RFC 1123)"),
        c(
            "Argo's apiVersion",
            "apiVersion: ramp.dev/v1alpha1",
            "apiVersion: argoproj.io/v1alpha1",
            Seen.LINT,
            "apiVersion: \"argoproj.io/v1alpha1\" is not Ramp's; write apiVersion:"
                + " ramp.dev/v1alpha1"),
        c(
            "a top-level field misspelt",
            "kind: Rollout\n",
            "kind: Rollout\nmetdata: {}\n",
            Seen.LINT,
            "metdata: unknown field; did you mean metadata?"));
  }
}
