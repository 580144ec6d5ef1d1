package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Rollout;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class OwnRunsTest {
  final OwnRuns own = new OwnRuns();
  final Rollout demo = rollout("demo", "uid-demo");
  final Rollout other = rollout("other", "uid-other");

  static Rollout rollout(String name, String uid) {
    Rollout r = Cluster.rollout(name, 1, List.of());
    r.getMetadata().setUid(uid);
    return r;
  }

  static AnalysisRun run(String name, Rollout owner) {
    AnalysisRun r = new AnalysisRun();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(Cluster.NS)
            .withUid("uid-" + name)
            .withOwnerReferences(PlanWriter.ownerRef(owner))
            .build());
    return r;
  }

  static List<String> names(List<AnalysisRun> runs) {
    return runs.stream().map(r -> r.getMetadata().getName()).toList();
  }

  @Test
  void aCreatedRunIsShownUntilTheCacheHoldsIt() {
    AnalysisRun a = run("demo-a", demo);
    own.creating();
    own.created(a);
    assertThat(names(own.overlay("uid-demo", List.of()))).containsExactly("demo-a");
    assertThat(own.overlay("uid-other", List.of())).isEmpty();
    assertThat(names(own.overlay("uid-demo", List.of(a)))).containsExactly("demo-a");
    assertThat(own.size()).isZero();
  }

  @Test
  void aDeletedRunIsHiddenUntilTheCacheLetsItGo() {
    AnalysisRun a = run("demo-a", demo);
    AnalysisRun b = run("demo-b", demo);
    AnalysisRun o = run("other-a", other);
    own.deleted(a);
    assertThat(names(own.overlay("uid-demo", List.of(b, a)))).containsExactly("demo-b");
    // Another Rollout's read does not end demo's entry.
    assertThat(names(own.overlay("uid-other", List.of(o)))).containsExactly("other-a");
    assertThat(own.size()).isEqualTo(1);
    assertThat(names(own.overlay("uid-demo", List.of(b)))).containsExactly("demo-b");
    assertThat(own.size()).isZero();
  }

  @Test
  void aRunDeletedBySomeoneElseWhileItsCreateWasInFlightIsNotShown() {
    AnalysisRun a = run("demo-a", demo);
    own.creating();
    own.gone(a); // the informer saw it made and deleted before the create answered
    own.created(a);
    assertThat(own.overlay("uid-demo", List.of())).isEmpty();
    assertThat(own.size()).isZero();
  }

  @Test
  void aFailedCreateRecordsNothing() {
    own.creating();
    own.created(null);
    assertThat(own.overlay("uid-demo", List.of())).isEmpty();
  }
}
