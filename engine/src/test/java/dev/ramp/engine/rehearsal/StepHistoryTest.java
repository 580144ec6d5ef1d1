package dev.ramp.engine.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.CanaryStrategy;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutSpec;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.model.RolloutStrategy;
import dev.ramp.engine.rehearsal.Rehearsal.StepRecord;
import dev.ramp.engine.rehearsal.Rehearsal.Verdict;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The looks a follower takes at a rollout are snapshots: a step the controller passes between two
 * of them is never seen as current. The history must still list it.
 */
class StepHistoryTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private static Rollout look(String hash, String stable, int step, String phase) {
    Rollout r = new Rollout();
    r.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("default").build());
    RolloutSpec spec = new RolloutSpec();
    spec.strategy = new RolloutStrategy();
    spec.strategy.canary = new CanaryStrategy();
    spec.strategy.canary.steps =
        List.of(
            CanaryStep.setWeight(20),
            CanaryStep.pause("30s"),
            CanaryStep.setWeight(60),
            CanaryStep.pause(null));
    r.setSpec(spec);
    RolloutStatus st = new RolloutStatus();
    st.currentPodHash = hash;
    st.stableRS = stable;
    st.currentStepIndex = step;
    st.phase = phase;
    r.setStatus(st);
    return r;
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void aFirstStepPassedBeforeTheFollowerSawTheNewRevisionIsInTheHistory() {
    StepHistory history = new StepHistory("aaa", at(0));
    // The controller had not looked at the new template yet.
    history.observe(look("aaa", "aaa", 4, "Healthy"), at(1));
    // The next look comes late: setWeight 20 was reached and passed in between.
    history.observe(look("bbb", "aaa", 1, "Paused"), at(12));
    history.observe(look("bbb", "aaa", 3, "Paused"), at(60));
    history.promoted();
    Rollout end = look("bbb", "bbb", 4, "Healthy");
    history.finish(end, at(70), Verdict.HEALTHY);

    assertThat(history.records())
        .extracting(StepRecord::index, StepRecord::step, StepRecord::result)
        .containsExactly(
            tuple(0, "setWeight 20", "completed"),
            tuple(1, "pause 30s", "completed"),
            tuple(2, "setWeight 60", "completed"),
            tuple(3, "pause until promoted", "promoted"));
    assertThat(history.records().get(0).start()).isEqualTo(at(0));
    assertThat(history.records().get(0).end()).isEqualTo(at(12));
  }

  @Test
  void aFollowerWhoseFirstLookIsPastTheFirstStepStillListsIt() {
    StepHistory history = new StepHistory("aaa", at(0));
    history.observe(look("bbb", "aaa", 1, "Paused"), at(12));
    history.finish(look("bbb", "aaa", 1, "Paused"), at(300), Verdict.TIMED_OUT);

    assertThat(history.records())
        .extracting(StepRecord::index, StepRecord::result, StepRecord::start, StepRecord::end)
        .containsExactly(
            tuple(0, "completed", at(0), at(12)), tuple(1, "timed out", at(12), at(300)));
  }

  @Test
  void theRevisionBeforeHasNoHistory() {
    StepHistory history = new StepHistory(null, at(0));
    history.finish(look("aaa", "aaa", 4, "Healthy"), at(5), Verdict.HEALTHY);

    assertThat(history.records()).isEmpty();
  }
}
