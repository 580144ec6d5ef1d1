package dev.ramp.engine.kube;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rollout.Plan;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Plan's AnalysisRuns, in the Rollout's namespace, before the status that names them:
 *
 * <ul>
 *   <li>create, owned by the Rollout (its controller reference is added when the plan left it out);
 *       a name already taken by a run the Rollout controls is adopted — a controller that crashed
 *       between the create and the status write made it — and a name taken by anything else fails
 *       the reconcile, with one Warning Event {@value #NAME_TAKEN} on the Rollout and the reason in
 *       the log at each retry: the run is never made under another name;
 *   <li>terminate: a JSON merge patch of {@code spec.terminate: true}, skipped when the cache shows
 *       it set already (a patch that changes nothing would still wake the Rollout on some servers);
 *       a run already gone is fine;
 *   <li>delete by name; a run already gone is fine.
 * </ul>
 *
 * <p>Any other failure is thrown: the reconcile stops before the status, and the work queue backs
 * off and tries again. What was written is recorded in {@link OwnRuns} so that the next reconcile
 * sees it before the cache does.
 */
final class AnalysisRunWriter {
  static final String NAME_TAKEN = "AnalysisRunNameTaken";

  private static final Logger LOG = LoggerFactory.getLogger(AnalysisRunWriter.class);
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
  private static final String TERMINATE = "{\"spec\":{\"terminate\":true}}";

  private final KubernetesClient client;
  private final EventRecorder events;
  private final AnalysisInformers analysis;

  /** Name conflicts already reported by an Event: rollout uid / run name / other run's uid. */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  AnalysisRunWriter(KubernetesClient client, EventRecorder events, AnalysisInformers analysis) {
    this.client = client;
    this.events = events;
    this.analysis = analysis;
  }

  void write(Rollout rollout, Plan.AnalysisRunWrites w) {
    if (w.isEmpty()) {
      return;
    }
    String ns = rollout.getMetadata().getNamespace();
    for (AnalysisRun run : w.create()) {
      create(rollout, run);
    }
    for (String name : w.terminate()) {
      AnalysisRun cached = analysis.cached(ns + "/" + name);
      if (cached != null
          && cached.getSpec() != null
          && Boolean.TRUE.equals(cached.getSpec().terminate)) {
        continue;
      }
      try {
        run(ns, name).patch(MERGE, TERMINATE);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
    for (String name : w.delete()) {
      AnalysisRun cached = analysis.cached(ns + "/" + name);
      run(ns, name).delete();
      if (cached != null) {
        analysis.own().deleted(cached);
      }
    }
  }

  private void create(Rollout rollout, AnalysisRun planned) {
    String ns = rollout.getMetadata().getNamespace();
    String name = planned.getMetadata() == null ? null : planned.getMetadata().getName();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "a planned AnalysisRun of Rollout "
              + StatusWriter.key(rollout)
              + " has no metadata.name; runs are named so that a retry finds the same one");
    }
    AnalysisRun made = null;
    analysis.own().creating();
    try {
      try {
        made =
            client
                .resources(AnalysisRun.class)
                .inNamespace(ns)
                .resource(owned(rollout, planned))
                .create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      made = adopt(rollout, name);
    } finally {
      analysis.own().created(made);
      if (made != null) {
        reported.removeIf(k -> k.startsWith(rollout.getMetadata().getUid() + "/" + name + "/"));
      }
    }
  }

  /** The existing run of that name, when the Rollout controls it; otherwise a clear failure. */
  private AnalysisRun adopt(Rollout rollout, String name) {
    String ns = rollout.getMetadata().getNamespace();
    AnalysisRun existing = run(ns, name).get();
    if (existing == null) {
      throw new WorkQueue.RetryNow("AnalysisRun " + ns + "/" + name + " vanished after a conflict");
    }
    if (!ObservedWorld.ownedBy(existing, rollout)) {
      String message = nameTaken(rollout, existing);
      if (reported.add(
          rollout.getMetadata().getUid() + "/" + name + "/" + existing.getMetadata().getUid())) {
        events.record(reference(rollout), "Warning", NAME_TAKEN, message);
      }
      throw new IllegalStateException(message);
    }
    if (existing.getMetadata().getDeletionTimestamp() != null) {
      throw new WorkQueue.RetryNow(
          "AnalysisRun " + ns + "/" + name + " is being deleted; it is created again once gone");
    }
    LOG.info(
        "{}/{}: AnalysisRun {} exists and is the Rollout's: adopted",
        ns,
        rollout.getMetadata().getName(),
        name);
    return existing;
  }

  private static String nameTaken(Rollout rollout, AnalysisRun existing) {
    String controller =
        existing.getMetadata().getOwnerReferences().stream()
            .filter(ref -> Boolean.TRUE.equals(ref.getController()))
            .findFirst()
            .map(
                ref ->
                    "it is controlled by "
                        + ref.getKind()
                        + " "
                        + ref.getName()
                        + " with uid "
                        + ref.getUid())
            .orElse("it has no controller");
    return "AnalysisRun "
        + existing.getMetadata().getName()
        + " cannot be created: that name is taken by a run Rollout "
        + rollout.getMetadata().getName()
        + " (uid "
        + rollout.getMetadata().getUid()
        + ") does not control ("
        + controller
        + "). Delete or rename that run; the rollout waits and makes no run under another name";
  }

  /** A copy of the planned run in the Rollout's namespace, with the Rollout as its controller. */
  private AnalysisRun owned(Rollout rollout, AnalysisRun planned) {
    AnalysisRun run = client.getKubernetesSerialization().clone(planned);
    run.getMetadata().setNamespace(rollout.getMetadata().getNamespace());
    run.getMetadata().setResourceVersion(null);
    if (!ObservedWorld.ownedBy(run, rollout)) {
      List<OwnerReference> refs = new ArrayList<>(run.getMetadata().getOwnerReferences());
      refs.add(PlanWriter.ownerRef(rollout));
      run.getMetadata().setOwnerReferences(refs);
    }
    return run;
  }

  static ObjectReference reference(Rollout rollout) {
    return new ObjectReferenceBuilder()
        .withApiVersion(Rollout.API_VERSION)
        .withKind("Rollout")
        .withName(rollout.getMetadata().getName())
        .withNamespace(rollout.getMetadata().getNamespace())
        .withUid(rollout.getMetadata().getUid())
        .build();
  }

  private Resource<AnalysisRun> run(String ns, String name) {
    return client.resources(AnalysisRun.class).inNamespace(ns).withName(name);
  }
}
