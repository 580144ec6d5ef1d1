package dev.ramp.engine.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Read your own writes: an informer's cache lags the controller's own writes, and a reconcile that
 * plans from the lagging copy repeats work — a plugin step called twice. After a successful write
 * the object the server returned is kept per key, and reconciles plan from it until the cache holds
 * that same resourceVersion (client-go's {@code MutationCache}, the Java Operator SDK's temporary
 * resource cache).
 *
 * <p>resourceVersion is opaque: only compared for equality, never ordered. So a kept object is
 * dropped when the cache shows exactly its version; a cached version that is neither the kept one
 * nor one the controller wrote or read on the way to it means somebody else wrote (a user's abort,
 * a spec edit), and the next read asks the API server itself, once, instead of guessing which of
 * the two is newer.
 */
final class OwnWrites<T extends HasMetadata> {

  /** The kept object, and the versions this controller has seen on its way to it. */
  private static final class Kept<T> {
    final T latest;
    final Set<String> ours;
    boolean foreign;

    Kept(T latest, Set<String> ours) {
      this.latest = latest;
      this.ours = ours;
    }
  }

  private final Map<String, Kept<T>> kept = new HashMap<>();

  /**
   * Records a successful write of the object read at {@code readVersion}: reconciles of this key
   * plan from {@code written} until the cache catches up.
   */
  synchronized void wrote(String key, String readVersion, T written) {
    Kept<T> was = kept.get(key);
    Set<String> ours = was == null ? new HashSet<>() : was.ours;
    ours.add(readVersion);
    ours.add(version(written));
    kept.put(key, new Kept<>(written, ours));
  }

  /** The write met a conflict: somebody else wrote. The next read asks the server. */
  synchronized void conflicted(String key) {
    Kept<T> k = kept.get(key);
    if (k == null) {
      k = new Kept<>(null, new HashSet<>());
      kept.put(key, k);
    }
    k.foreign = true;
  }

  /** An informer event: a version this controller did not write or read means another writer. */
  synchronized void observed(String key, T obj) {
    Kept<T> k = kept.get(key);
    if (k != null && !k.ours.contains(version(obj))) {
      k.foreign = true;
    }
  }

  /** The object is gone. */
  synchronized void deleted(String key) {
    kept.remove(key);
  }

  /**
   * What a reconcile plans from: the cached object, unless this controller's own last write is
   * newer; the server's own copy after another writer was seen.
   *
   * @param cached the informer's copy (null when it has none)
   * @param server reads the object from the API server (null when it is gone)
   */
  T read(String key, T cached, Supplier<T> server) {
    synchronized (this) {
      Kept<T> k = kept.get(key);
      if (k == null) {
        return cached;
      }
      if (cached == null || !k.ours.contains(version(cached))) {
        // The cache shows a version nobody here wrote or read (or no object): another writer, or
        // a deletion, even if its event came before our write was recorded.
        k.foreign = true;
      }
      if (!k.foreign) {
        if (cached != null && Objects.equals(version(cached), version(k.latest))) {
          kept.remove(key);
          return cached;
        }
        return k.latest;
      }
    }
    // Outside the lock: a GET is slow, and events keep arriving meanwhile.
    T fresh = server.get();
    synchronized (this) {
      if (fresh == null) {
        kept.remove(key);
        return null;
      }
      if (cached != null && Objects.equals(version(cached), version(fresh))) {
        kept.remove(key);
        return cached;
      }
      Kept<T> k = kept.get(key);
      Set<String> ours = k == null ? new HashSet<>() : k.ours;
      ours.add(version(fresh));
      if (cached != null) {
        // Read before the GET: the server's copy is at least as new.
        ours.add(version(cached));
      }
      kept.put(key, new Kept<>(fresh, ours));
      return fresh;
    }
  }

  /** How many keys hold a kept object (for tests). */
  synchronized int size() {
    return kept.size();
  }

  private static String version(HasMetadata o) {
    return o == null || o.getMetadata() == null ? null : o.getMetadata().getResourceVersion();
  }
}
