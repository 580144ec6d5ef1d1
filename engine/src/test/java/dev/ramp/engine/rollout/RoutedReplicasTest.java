package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replica counts with a traffic router, table-driven, each row worked out by hand from Argo's
 * CalculateReplicaCountsForTrafficRoutedCanary (canary = ceil(weight × replicas / max), stable at
 * full size unless dynamicStableScale).
 */
class RoutedReplicasTest {

  /** The canary at step 1 of [setWeight w, pause], stable at full size. */
  @ParameterizedTest(name = "{0} replicas, setWeight {1}: canary {2}")
  @CsvSource({
    "1, 0, 0",
    "1, 10, 1",
    "1, 50, 1",
    "1, 100, 1",
    "2, 10, 1",
    "2, 50, 1",
    "2, 60, 2",
    "3, 10, 1",
    "3, 33, 1",
    "3, 34, 2",
    "3, 50, 2",
    "5, 10, 1",
    "5, 20, 1",
    "5, 50, 3",
    "5, 60, 3",
    "5, 81, 5",
    "10, 10, 1",
    "10, 15, 2",
    "10, 50, 5",
    "10, 99, 10"
  })
  void setWeight(int replicas, int weight, int canary) {
    RoutedReplicas.Counts c =
        RoutedReplicas.of(
            input(replicas, List.of(new Step.SetWeight(weight), new Step.Pause(null)), 1));
    assertThat(c).isEqualTo(new RoutedReplicas.Counts(canary, replicas));
  }

  /** setCanaryScale in each form, in force from its step on, with a setWeight after it. */
  @ParameterizedTest(name = "{0} replicas, setCanaryScale {1}/{2}/{3}, setWeight {4}: canary {5}")
  @CsvSource({
    // replicas, scale.replicas, scale.weight, matchTrafficWeight, setWeight, canary
    "1, 1, , false, 50, 1",
    "2, 1, , false, 50, 1",
    "3, 3, , false, 10, 3",
    "5, 0, , false, 40, 0",
    "10, 3, , false, 90, 3",
    "1, , 50, false, 10, 1",
    "2, , 25, false, 90, 1",
    "3, , 50, false, 10, 2",
    "5, , 30, false, 90, 2",
    "10, , 25, false, 90, 3",
    "1, , , true, 40, 1",
    "2, , , true, 40, 1",
    "3, , , true, 40, 2",
    "5, , , true, 40, 2",
    "10, , , true, 40, 4"
  })
  void setCanaryScale(
      int replicas,
      Integer scaleReplicas,
      Integer scaleWeight,
      boolean match,
      int setWeight,
      int canary) {
    List<Step> steps =
        List.of(
            new Step.SetCanaryScale(scaleWeight, scaleReplicas, match),
            new Step.SetWeight(setWeight),
            new Step.Pause(null));
    assertThat(RoutedReplicas.of(input(replicas, steps, 2)))
        .isEqualTo(new RoutedReplicas.Counts(canary, replicas));
  }

  /** dynamicStableScale: stable follows the higher of its desired and its routed share. */
  @ParameterizedTest(name = "{0} replicas, weight {1}, stable routed {2}: {3}/{4}")
  @CsvSource({
    // replicas, setWeight, routed to stable (blank: none yet), canary, stable
    "1, 50, , 1, 1",
    "2, 50, , 1, 1",
    "3, 50, 100, 2, 3",
    "3, 50, 50, 2, 2",
    "5, 20, 100, 1, 5",
    "5, 20, 80, 1, 4",
    "10, 30, 100, 3, 10",
    "10, 30, 70, 3, 7",
    "10, 30, 90, 3, 9"
  })
  void dynamicStableScale(
      int replicas, int weight, Integer routedToStable, int canary, int stable) {
    RoutedReplicas.Input in =
        new RoutedReplicas.Input(
            replicas,
            100,
            List.of(new Step.SetWeight(weight), new Step.Pause(null)),
            1,
            false,
            false,
            true,
            null,
            false,
            false,
            routedToStable == null ? null : 100 - routedToStable,
            routedToStable,
            replicas,
            0);
    assertThat(RoutedReplicas.of(in)).isEqualTo(new RoutedReplicas.Counts(canary, stable));
  }

  /**
   * Abort: without dynamicStableScale the canary's target is 0 (its deadline keeps it up, see
   * TrafficRoutingTest); with it, the weight steps down through the setWeight steps in reverse as
   * stable's pods come back, and the canary keeps what traffic it still has.
   */
  @ParameterizedTest(name = "{0} replicas, dynamic {1}, stable available {2}: {5}/{6}")
  @CsvSource({
    // replicas, dynamic, stableAvailable, canaryAvailable, routedToCanary, canary, stable
    "1, false, 1, 1, 50, 0, 1",
    "2, false, 2, 1, 50, 0, 2",
    "3, false, 3, 2, 50, 0, 3",
    "5, false, 5, 3, 50, 0, 5",
    "10, false, 10, 5, 50, 0, 10",
    // 10 replicas, steps setWeight 20, 50: stable 5 of 10 up, canary 5 -> next lower step 20;
    // the routers still send 50 to the canary, so it keeps 5 pods.
    "10, true, 5, 5, 50, 5, 8",
    // Stable back at 9: expected canary pods max(1, 5)=5 -> 20 (2 pods) still below; routed 20.
    "10, true, 9, 5, 20, 2, 8",
    // Stable fully back and the canary drained: weight 0.
    "10, true, 10, 0, 0, 0, 10",
    "5, true, 3, 2, 50, 3, 4"
  })
  void abort(
      int replicas,
      boolean dynamic,
      int stableAvailable,
      int canaryAvailable,
      int routedToCanary,
      int canary,
      int stable) {
    RoutedReplicas.Input in =
        new RoutedReplicas.Input(
            replicas,
            100,
            List.of(new Step.SetWeight(20), new Step.SetWeight(50), new Step.Pause(null)),
            0,
            true,
            false,
            dynamic,
            null,
            false,
            false,
            routedToCanary,
            100 - routedToCanary,
            stableAvailable,
            canaryAvailable);
    assertThat(RoutedReplicas.of(in)).isEqualTo(new RoutedReplicas.Counts(canary, stable));
  }

  @ParameterizedTest(name = "{0} replicas, minPods {1}, setWeight {2}: canary {3}")
  @CsvSource({"10, 2, 10, 2", "10, 2, 0, 0", "5, 20, 10, 5", "3, 2, 50, 2"})
  void minPodsPerReplicaSetRaisesButNeverAboveReplicasNorFromZero(
      int replicas, int minPods, int weight, int canary) {
    RoutedReplicas.Input in =
        new RoutedReplicas.Input(
            replicas,
            100,
            List.of(new Step.SetWeight(weight), new Step.Pause(null)),
            1,
            false,
            false,
            false,
            minPods,
            false,
            false,
            null,
            null,
            replicas,
            0);
    assertThat(RoutedReplicas.of(in).canary()).isEqualTo(canary);
  }

  @ParameterizedTest(name = "max {0}, setWeight {1}, 10 replicas: canary {2}")
  @CsvSource({"1000, 5, 1", "1000, 150, 2", "200, 100, 5", "1000, 1000, 10"})
  void maxTrafficWeight(int max, int weight, int canary) {
    RoutedReplicas.Input in =
        new RoutedReplicas.Input(
            10,
            max,
            List.of(new Step.SetWeight(weight), new Step.Pause(null)),
            1,
            false,
            false,
            false,
            null,
            false,
            false,
            null,
            null,
            10,
            0);
    assertThat(RoutedReplicas.of(in).canary()).isEqualTo(canary);
  }

  private static RoutedReplicas.Input input(int replicas, List<Step> steps, int stepIndex) {
    return new RoutedReplicas.Input(
        replicas, 100, steps, stepIndex, false, false, false, null, false, false, null, null,
        replicas, 0);
  }
}
