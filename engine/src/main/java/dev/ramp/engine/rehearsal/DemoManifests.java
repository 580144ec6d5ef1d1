package dev.ramp.engine.rehearsal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The manifests of `ramp demo`: the plugin ConfigMap with the step-webhook plugin, two Services,
 * and a Rollout whose canary waits on the demo gate through a webhook step.
 */
public final class DemoManifests {

  private DemoManifests() {}

  /** Writes the demo's manifests into {@code dir} and returns their files, in apply order. */
  public static List<Path> write(Path dir, Path webhookJar, String gateUrl) {
    String config = config(webhookJar);
    String rollout = rollout(gateUrl);
    try {
      Files.createDirectories(dir);
      Path configFile = Files.writeString(dir.resolve("ramp-config.yaml"), config);
      Path rolloutFile = Files.writeString(dir.resolve("demo-rollout.yaml"), rollout);
      return List.of(configFile, rolloutFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo's manifests: " + e.getMessage(), e);
    }
  }

  /** The ConfigMap ramp-config with the step-webhook plugin. */
  private static String config(Path webhookJar) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: ramp-config",
        "  namespace: " + Rehearsal.CONTROLLER_NAMESPACE,
        "data:",
        "  stepPlugins: |",
        "    - name: ramp/step-webhook",
        "      location: " + webhookJar.toAbsolutePath(),
        "      callDeadline: 20s",
        "");
  }

  /** Two Services and the Rollout, whose third step waits on the gate through the webhook. */
  private static String rollout(String gateUrl) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: demo-stable}",
        "spec:",
        "  selector: {app: demo}",
        "  ports: [{port: 80}]",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: demo-canary}",
        "spec:",
        "  selector: {app: demo}",
        "  ports: [{port: 80}]",
        "---",
        "apiVersion: ramp.dev/v1alpha1",
        "kind: Rollout",
        "metadata: {name: demo}",
        "spec:",
        "  replicas: 5",
        "  selector:",
        "    matchLabels: {app: demo}",
        "  template:",
        "    metadata:",
        "      labels: {app: demo}",
        "    spec:",
        "      containers:",
        "        - name: demo",
        "          image: registry.example/demo:1.0.0",
        "  strategy:",
        "    canary:",
        "      canaryService: demo-canary",
        "      stableService: demo-stable",
        "      steps:",
        "        - setWeight: 20",
        "        - pause: {duration: 20s}",
        "        - plugin:",
        "            name: ramp/step-webhook",
        "            config:",
        "              url: " + gateUrl + "/gate/checks",
        "              body: {rollout: '{{rollout.name}}', revision: '{{podTemplateHash}}'}",
        "              expectedStatus: [201]",
        "              poll:",
        "                url: '{{location}}'",
        "                interval: 5s",
        "                resultPointer: /result",
        "                successValues: [APPROVED]",
        "                failureValues: [REJECTED]",
        "        - setWeight: 60",
        "        - pause: {}",
        "");
  }
}
