package dev.ramp.engine.host;

import dev.ramp.engine.plugin.CallKey;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The answers plugins gave, per {@link CallKey}, until the controller has recorded them in a status
 * write: a reconcile that runs again before its write landed (a conflict, a re-queue) gets the same
 * answer without a second call, so a side effect fires once. Only the plugin's own answers are kept
 * — a call that produced none (not ready, deadline, transport) is made again.
 *
 * <p>Bounded: an answer that is never recorded (its rollout was deleted, it aborted instead) is
 * dropped oldest-first once {@link #CAPACITY} answers wait, and a recorded later attempt of the
 * same operation drops the earlier ones; at worst a dropped call is delivered again with the same
 * key, which the contract allows.
 */
final class AnswerMemo {
  /** At most this many answers wait (each holds at most a 64 KiB state: 64 MiB at worst). */
  static final int CAPACITY = 1_000;

  private final Map<CallKey, Object> answers =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CallKey, Object> eldest) {
          return size() > CAPACITY;
        }
      };

  /**
   * The kept answer for {@code key}, or the result of {@code call}, kept. {@code call} throws when
   * the plugin gave no answer; nothing is kept then.
   */
  <T> T answer(CallKey key, Supplier<T> call) {
    if (key == null || key.idempotencyKey() == null || key.idempotencyKey().isEmpty()) {
      return call.get();
    }
    synchronized (this) {
      @SuppressWarnings("unchecked")
      T kept = (T) answers.get(key);
      if (kept != null) {
        return kept;
      }
    }
    // The call runs outside the lock: calls of other rollouts go on meanwhile. Two calls with one
    // key at once do not happen: the work queue runs one reconcile per rollout at a time.
    T fresh = call.get();
    synchronized (this) {
      answers.put(key, fresh);
    }
    return fresh;
  }

  /**
   * The status holds these answers: forget them, and any earlier attempt of the same operation (an
   * answer whose write was overtaken, say by a conflict that took the rollout elsewhere).
   */
  synchronized void recorded(Collection<CallKey> keys) {
    if (keys.isEmpty()) {
      return;
    }
    keys.forEach(answers::remove);
    if (keys.stream().allMatch(k -> k.attempt() <= 1)) {
      return; // no earlier attempt to drop: spare the scan on the common path
    }
    answers
        .keySet()
        .removeIf(
            kept ->
                keys.stream()
                    .anyMatch(
                        k ->
                            k.attempt() > kept.attempt()
                                && k.idempotencyKey().equals(kept.idempotencyKey())
                                && k.operation().equals(kept.operation())
                                && k.pluginName().equals(kept.pluginName())));
  }

  /** What a crash of the controller process does to this memory. */
  synchronized void forget() {
    answers.clear();
  }

  synchronized int size() {
    return answers.size();
  }
}
