package dev.ramp.engine.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.RolloutStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a user does to a Rollout (the CLI wraps these): each action reads the Rollout and writes one
 * JSON merge patch on its spec or its {@code /status} carrying the resourceVersion read, so that an
 * action never lands on a state the user did not see; a conflict re-reads and retries.
 */
public final class RolloutActions {
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;
  private final Clock clock;

  public RolloutActions(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Aborts: traffic and pods back to stable, phase Degraded. */
  public void abort(String namespace, String name) {
    status(namespace, name, r -> obj().put("abort", true));
  }

  /** Leaves a pause, or when not paused skips the current step. */
  public void promote(String namespace, String name) {
    Rollout r = read(namespace, name);
    if (Boolean.TRUE.equals(r.getSpec().paused)) {
      spec(namespace, name, x -> obj().put("paused", false));
    }
    status(
        namespace,
        name,
        x -> {
          RolloutStatus s = x.getStatus() == null ? new RolloutStatus() : x.getStatus();
          ObjectNode p = obj();
          if (s.pauseConditions != null && !s.pauseConditions.isEmpty()) {
            // The controller sees its own pause gone (controllerPause still set) and moves on.
            p.putNull("pauseConditions");
          } else if (!Boolean.TRUE.equals(x.getSpec().paused)) {
            int steps =
                x.getSpec().strategy == null
                        || x.getSpec().strategy.canary == null
                        || x.getSpec().strategy.canary.steps == null
                    ? 0
                    : x.getSpec().strategy.canary.steps.size();
            int index = s.currentStepIndex == null ? 0 : s.currentStepIndex;
            if (index < steps) {
              p.put("currentStepIndex", index + 1);
              p.putNull("controllerPause");
              // The next step begins when the controller sees it: it stamps the time.
              p.putObject("canary").putNull("currentStepStartedAt");
            }
          }
          return p;
        });
  }

  /** Skips all remaining steps: the canary becomes stable as soon as its pods are available. */
  public void promoteFull(String namespace, String name) {
    status(
        namespace,
        name,
        r -> {
          ObjectNode p = obj().put("promoteFull", true);
          p.putNull("pauseConditions");
          p.putNull("controllerPause");
          return p;
        });
  }

  /** After an abort: clears it and starts the steps again from the first. */
  public void retry(String namespace, String name) {
    status(
        namespace,
        name,
        r -> {
          ObjectNode p = obj();
          p.putNull("abort");
          p.putNull("abortedAt");
          p.putNull("pauseConditions");
          p.putNull("controllerPause");
          p.put("currentStepIndex", 0);
          p.putObject("canary").putNull("stepPluginStatuses").putNull("currentStepStartedAt");
          // A new generation of plugin operations: their idempotency keys change with it.
          int retries =
              r.getStatus() == null || r.getStatus().retries == null ? 0 : r.getStatus().retries;
          p.put("retries", retries + 1);
          return p;
        });
  }

  /** Pauses by spec: the controller holds the current step until {@link #resume}. */
  public void pause(String namespace, String name) {
    spec(namespace, name, r -> obj().put("paused", true));
  }

  /** Clears a pause by spec. */
  public void resume(String namespace, String name) {
    spec(namespace, name, r -> obj().put("paused", false));
  }

  /**
   * Rolls back to the previous revision (or {@code toRevision} when not null): its pod template, as
   * the user wrote it, goes back into the spec, so its hash and ReplicaSet are the old ones.
   */
  public void undo(String namespace, String name, Integer toRevision) {
    replaceTemplate(
        namespace,
        name,
        r -> {
          String current = r.getStatus() == null ? null : r.getStatus().currentPodHash;
          ReplicaSet target =
              client.apps().replicaSets().inNamespace(namespace).list().getItems().stream()
                  .filter(
                      rs ->
                          rs.getMetadata().getOwnerReferences().stream()
                              .anyMatch(o -> Objects.equals(o.getUid(), r.getMetadata().getUid())))
                  .filter(rs -> !Objects.equals(current, label(rs)))
                  .filter(rs -> toRevision == null || toRevision == revision(rs))
                  .max(Comparator.comparingInt(RolloutActions::revision))
                  .orElseThrow(
                      () ->
                          new ActionException(
                              toRevision == null
                                  ? "Rollout "
                                      + namespace
                                      + "/"
                                      + name
                                      + " has no previous revision to go back to"
                                  : "Rollout "
                                      + namespace
                                      + "/"
                                      + name
                                      + " has no revision "
                                      + toRevision
                                      + "; see its ReplicaSets' "
                                      + RolloutLabels.REVISION
                                      + " annotation"));
          String template =
              target.getMetadata().getAnnotations() == null
                  ? null
                  : target.getMetadata().getAnnotations().get(RolloutLabels.TEMPLATE);
          if (template == null) {
            throw new ActionException(
                "ReplicaSet "
                    + target.getMetadata().getName()
                    + " has no "
                    + RolloutLabels.TEMPLATE
                    + " annotation to restore");
          }
          try {
            return Json.MAPPER.readTree(template);
          } catch (java.io.IOException e) {
            throw new ActionException(
                "ReplicaSet "
                    + target.getMetadata().getName()
                    + " has an unreadable template annotation: "
                    + e.getMessage());
          }
        });
  }

  /** Asks for new pods of the current revision (Argo's spec.restartAt). */
  public void restart(String namespace, String name) {
    String now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    spec(namespace, name, r -> obj().put("restartAt", now));
  }

  /** Sets the image of one container of the pod template: a new revision. */
  public void setImage(String namespace, String name, String container, String image) {
    replaceTemplate(
        namespace,
        name,
        r -> {
          JsonNode template = r.getSpec().template.deepCopy();
          ArrayNode containers = (ArrayNode) template.path("spec").path("containers");
          for (JsonNode c : containers) {
            if (container.equals(c.path("name").asText())) {
              ((ObjectNode) c).put("image", image);
              return template;
            }
          }
          throw new ActionException(
              "Rollout " + namespace + "/" + name + " has no container \"" + container + "\"");
        });
  }

  private void status(String namespace, String name, Function<Rollout, ObjectNode> change) {
    write(namespace, name, "status", change);
  }

  private void spec(String namespace, String name, Function<Rollout, ObjectNode> change) {
    write(namespace, name, "spec", change);
  }

  private void replaceTemplate(String namespace, String name, Function<Rollout, JsonNode> next) {
    for (int attempt = 1; ; attempt++) {
      Rollout r = read(namespace, name);
      r.getSpec().template = next.apply(r);
      try {
        // A PUT with the resourceVersion read: the template is replaced whole, not merged.
        client.resources(Rollout.class).inNamespace(namespace).resource(r).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void write(
      String namespace, String name, String part, Function<Rollout, ObjectNode> change) {
    for (int attempt = 1; ; attempt++) {
      Rollout r = read(namespace, name);
      ObjectNode body = obj();
      body.putObject("metadata").put("resourceVersion", r.getMetadata().getResourceVersion());
      ObjectNode p = change.apply(r);
      if (p.isEmpty()) {
        return;
      }
      body.set(part, p);
      Resource<Rollout> res = client.resources(Rollout.class).inNamespace(namespace).withName(name);
      try {
        if (part.equals("status")) {
          res.subresource("status").patch(MERGE, body.toString());
        } else {
          res.patch(MERGE, body.toString());
        }
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private Rollout read(String namespace, String name) {
    Rollout r = client.resources(Rollout.class).inNamespace(namespace).withName(name).get();
    if (r == null) {
      throw new ActionException("Rollout " + namespace + "/" + name + " not found");
    }
    return r;
  }

  private static String label(ReplicaSet rs) {
    Map<String, String> labels = rs.getMetadata().getLabels();
    return labels == null ? null : labels.get(RolloutLabels.POD_TEMPLATE_HASH);
  }

  private static int revision(ReplicaSet rs) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    try {
      return a == null ? 0 : Integer.parseInt(a.getOrDefault(RolloutLabels.REVISION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static ObjectNode obj() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** An action that cannot be done, with what to do about it. */
  public static final class ActionException extends RuntimeException {
    public ActionException(String message) {
      super(message);
    }
  }
}
