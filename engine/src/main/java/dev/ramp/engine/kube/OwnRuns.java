package dev.ramp.engine.kube;

import dev.ramp.engine.model.AnalysisRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read your own writes, for the AnalysisRuns a Rollout controls: a run this controller created (or
 * adopted) is shown until the informer's cache holds it, and a run it deleted is hidden until the
 * cache lets it go. Without this, the reconcile after a create would read a status that names a run
 * the cache does not have yet.
 *
 * <p>Entries are matched by uid, never by resourceVersion (opaque). A created entry is dropped when
 * the cache holds its uid; a deleted one when the cache no longer does. A run deleted by someone
 * else between its create and the create's answer would otherwise stay shown forever: the
 * informer's deletions seen while a create is in flight are kept until it is recorded.
 */
final class OwnRuns {
  private final Map<String, AnalysisRun> created = new HashMap<>();
  private final Map<String, String> deletedOwner = new HashMap<>();
  private final Set<String> goneWhileCreating = new HashSet<>();
  private int creating;

  /** A create is about to be sent. */
  synchronized void creating() {
    creating++;
  }

  /** The create (or adoption) answered with {@code run}; null when it failed. */
  synchronized void created(AnalysisRun run) {
    creating--;
    if (run != null && !goneWhileCreating.contains(uid(run))) {
      created.put(uid(run), run);
    }
    if (creating == 0) {
      goneWhileCreating.clear();
    }
  }

  /** This controller deleted the run. */
  synchronized void deleted(AnalysisRun run) {
    created.remove(uid(run));
    String owner = ObservedWorld.controllerUid(run).stream().findFirst().orElse(null);
    if (owner != null) {
      deletedOwner.put(uid(run), owner);
    }
  }

  /** The informer saw the run go. */
  synchronized void gone(AnalysisRun run) {
    created.remove(uid(run));
    deletedOwner.remove(uid(run));
    if (creating > 0) {
      goneWhileCreating.add(uid(run));
    }
  }

  /**
   * The runs controlled by {@code ownerUid}: the cache's, without those this controller deleted,
   * with those it created that the cache does not hold yet; by name.
   */
  synchronized List<AnalysisRun> overlay(String ownerUid, List<AnalysisRun> cached) {
    Set<String> cachedUids = new HashSet<>();
    cached.forEach(r -> cachedUids.add(uid(r)));
    created.keySet().removeIf(cachedUids::contains);
    deletedOwner
        .entrySet()
        .removeIf(e -> e.getValue().equals(ownerUid) && !cachedUids.contains(e.getKey()));
    List<AnalysisRun> out = new ArrayList<>();
    for (AnalysisRun r : cached) {
      if (!deletedOwner.containsKey(uid(r))) {
        out.add(r);
      }
    }
    for (AnalysisRun r : created.values()) {
      if (ObservedWorld.controllerUid(r).contains(ownerUid)) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(r -> r.getMetadata().getName()));
    return out;
  }

  /** How many runs are shown or hidden against the cache (for tests). */
  synchronized int size() {
    return created.size() + deletedOwner.size();
  }

  private static String uid(AnalysisRun r) {
    return r.getMetadata().getUid();
  }
}
