package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.engine.model.CanaryStep;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicaMathTest {
  static final int[] WEIGHTS = {0, 1, 10, 20, 25, 33, 50, 60, 75, 90, 99, 100};

  /** Expected canary/stable split for replicas x weight, default maxSurge 25% (Argo's table). */
  static final Map<Integer, int[][]> TABLE =
      Map.of(
          // weight:     0      1      10     20     25     33     50     60     75     90     99
          //  100
          1,
              new int[][] {
                {0, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1},
                {1, 1}, {1, 0}
              },
          2,
              new int[][] {
                {0, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 1}, {2, 1}, {2, 1}, {2, 1},
                {2, 1}, {2, 0}
              },
          3,
              new int[][] {
                {0, 3}, {1, 3}, {1, 3}, {1, 3}, {1, 3}, {1, 2}, {2, 2}, {2, 1}, {3, 1}, {3, 1},
                {3, 1}, {3, 0}
              },
          5,
              new int[][] {
                {0, 5}, {1, 5}, {1, 5}, {1, 4}, {1, 4}, {2, 4}, {3, 3}, {3, 2}, {4, 1}, {5, 1},
                {5, 1}, {5, 0}
              },
          10,
              new int[][] {
                {0, 10}, {1, 10}, {1, 9}, {2, 8}, {3, 8}, {3, 7}, {5, 5}, {6, 4}, {8, 3}, {9, 1},
                {10, 1}, {10, 0}
              });

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 10})
  void splitKeepsBothSidesAliveAndIsNearestToTheWeight(int replicas) {
    int surge = ReplicaMath.resolve(null, replicas, true, "maxSurge");
    for (int i = 0; i < WEIGHTS.length; i++) {
      int w = WEIGHTS[i];
      ReplicaMath.Split s = ReplicaMath.split(replicas, w, surge);
      assertThat(new int[] {s.canary(), s.stable()})
          .as("replicas %d weight %d", replicas, w)
          .containsExactly(TABLE.get(replicas)[i]);
      if (w > 0) {
        assertThat(s.canary()).as("canary at weight %d", w).isGreaterThanOrEqualTo(1);
      }
      if (w > 0 && w < 100) {
        assertThat(s.stable()).as("stable at weight %d", w).isGreaterThanOrEqualTo(1);
      }
      assertThat(s.canary() + s.stable()).isLessThanOrEqualTo(replicas + surge);
    }
  }

  /**
   * Every step of a full canary for each small replica count: the counts after each step, and at
   * every intermediate move no more than replicas + maxSurge pods and no fewer than replicas -
   * maxUnavailable available.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 10})
  void everyStepOfACanaryRespectsSurgeAndUnavailability(int replicas) {
    List<CanaryStep> steps = new ArrayList<>();
    for (int w : new int[] {1, 20, 50, 80, 99}) {
      steps.add(CanaryStep.setWeight(w));
      steps.add(CanaryStep.pause(null));
    }
    World w = new World(replicas, steps);
    w.converge();
    String v1 = w.status().stableRS;
    w.rollout.getSpec().template = World.template("demo:2");
    int surge = ReplicaMath.resolve(null, replicas, true, "maxSurge");
    int unavailable =
        Math.max(ReplicaMath.resolve(null, replicas, false, "maxUnavailable"), surge == 0 ? 1 : 0);
    int index = 0;
    for (int weight : new int[] {1, 20, 50, 80, 99, 100}) {
      for (int i = 0; i < 40; i++) {
        w.podsBecomeReady = false;
        w.reconcile();
        int total = w.sets.values().stream().mapToInt(rs -> rs.replicas()).sum();
        int available =
            w.sets.values().stream()
                .mapToInt(rs -> Math.min(rs.replicas(), rs.availableReplicas()))
                .sum();
        assertThat(total).as("pods at weight %d", weight).isLessThanOrEqualTo(replicas + surge);
        assertThat(available)
            .as("available at weight %d", weight)
            .isGreaterThanOrEqualTo(replicas - unavailable);
        w.settle();
        if ("Paused".equals(w.status().phase) || "Healthy".equals(w.status().phase)) {
          break;
        }
      }
      String v2 = w.status().currentPodHash;
      if (weight == 100) {
        assertThat(w.status().phase).isEqualTo("Healthy");
        assertThat(w.replicasOf(v2)).isEqualTo(replicas);
        assertThat(w.replicasOf(v1)).isEqualTo(0);
      } else {
        ReplicaMath.Split s = ReplicaMath.split(replicas, weight, surge);
        assertThat(w.status().currentStepIndex).isEqualTo(index + 1);
        assertThat(w.replicasOf(v2)).as("canary at weight %d", weight).isEqualTo(s.canary());
        assertThat(w.replicasOf(v1)).as("stable at weight %d", weight).isEqualTo(s.stable());
        w.status().pauseConditions = null; // promote
      }
      index += 2;
    }
  }

  @Test
  void percentagesRoundSurgeUpAndUnavailableDown() {
    assertThat(ReplicaMath.resolve(new IntOrString("25%"), 5, true, "f")).isEqualTo(2);
    assertThat(ReplicaMath.resolve(new IntOrString("25%"), 5, false, "f")).isEqualTo(1);
    assertThat(ReplicaMath.resolve(new IntOrString(3), 5, false, "f")).isEqualTo(3);
    assertThat(ReplicaMath.Limits.of(new IntOrString(0), new IntOrString(0), 5, "c"))
        .isEqualTo(new ReplicaMath.Limits(0, 1));
  }

  @Test
  void badSurgeValuesNameTheField() {
    assertThatThrownBy(
            () ->
                ReplicaMath.resolve(
                    new IntOrString("lots"), 5, true, "spec.strategy.canary.maxSurge"))
        .hasMessage(
            "spec.strategy.canary.maxSurge: \"lots\" is neither an integer nor a "
                + "percentage such as 25%");
    assertThatThrownBy(() -> ReplicaMath.resolve(new IntOrString("150%"), 5, true, "f"))
        .hasMessage("f: 150% is above 100%");
  }
}
