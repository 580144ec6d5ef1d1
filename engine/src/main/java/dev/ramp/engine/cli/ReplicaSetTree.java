package dev.ramp.engine.cli;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.RolloutStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tree of {@code ramp get rollout}: the Rollout, its revisions newest first, and under each
 * revision its ReplicaSets with their role (stable, canary, old, scaled down).
 */
final class ReplicaSetTree {

  private ReplicaSetTree() {}

  /** The tree as a table with the columns NAME, KIND, READY, AGE and INFO. */
  static TextTable of(Rollout r, RolloutStatus st, List<ReplicaSet> replicaSets, Instant now) {
    TextTable table = new TextTable("NAME", "KIND", "READY", "AGE", "INFO");
    table.add(
        Ansi.BOLD,
        r.getMetadata().getName(),
        "Rollout",
        orZero(st.readyReplicas)
            + "/"
            + (r.getSpec() == null || r.getSpec().replicas == null ? 1 : r.getSpec().replicas),
        TimeText.ageOf(r.getMetadata().getCreationTimestamp(), now),
        st.phase == null ? "" : st.phase);
    Map<Integer, List<ReplicaSet>> byRevision = byRevision(replicaSets);
    int n = 0;
    for (Map.Entry<Integer, List<ReplicaSet>> e : byRevision.entrySet()) {
      boolean lastRevision = ++n == byRevision.size();
      table.add(null, (lastRevision ? "`-- " : "|-- ") + "revision:" + e.getKey(), "", "", "", "");
      addReplicaSets(table, e.getValue(), lastRevision ? "    " : "|   ", st, now);
    }
    return table;
  }

  /** ReplicaSets by revision, newest first; by name within a revision. */
  private static Map<Integer, List<ReplicaSet>> byRevision(List<ReplicaSet> replicaSets) {
    List<ReplicaSet> sorted = new ArrayList<>(replicaSets);
    sorted.sort(
        Comparator.comparingInt(ReplicaSetTree::revision)
            .reversed()
            .thenComparing(rs -> rs.getMetadata().getName()));
    Map<Integer, List<ReplicaSet>> byRevision = new LinkedHashMap<>();
    for (ReplicaSet rs : sorted) {
      byRevision.computeIfAbsent(revision(rs), k -> new ArrayList<>()).add(rs);
    }
    return byRevision;
  }

  private static void addReplicaSets(
      TextTable table, List<ReplicaSet> sets, String prefix, RolloutStatus st, Instant now) {
    for (int i = 0; i < sets.size(); i++) {
      ReplicaSet rs = sets.get(i);
      String role = role(rs, st);
      String ready =
          orZero(rs.getStatus() == null ? null : rs.getStatus().getReadyReplicas())
              + "/"
              + orZero(rs.getSpec() == null ? null : rs.getSpec().getReplicas());
      table.add(
          switch (role) {
            case "stable" -> Ansi.GREEN;
            case "canary", "preview" -> Ansi.YELLOW;
            default -> Ansi.DIM;
          },
          prefix + (i == sets.size() - 1 ? "`-- " : "|-- ") + rs.getMetadata().getName(),
          "ReplicaSet",
          ready,
          TimeText.ageOf(rs.getMetadata().getCreationTimestamp(), now),
          "hash " + hash(rs) + (role.isEmpty() ? "" : "  " + role) + services(rs, st));
    }
  }

  /**
   * Which Services select this ReplicaSet: blue-green's active and preview Services, as the
   * controller recorded them in {@code status.blueGreen}.
   */
  private static String services(ReplicaSet rs, RolloutStatus st) {
    if (st.blueGreen == null) {
      return "";
    }
    String hash = hash(rs);
    StringBuilder out = new StringBuilder();
    if (hash.equals(st.blueGreen.activeSelector)) {
      out.append("  <- active");
    }
    if (hash.equals(st.blueGreen.previewSelector)) {
      out.append("  <- preview");
    }
    return out.toString();
  }

  private static String role(ReplicaSet rs, RolloutStatus st) {
    String hash = hash(rs);
    if (hash.equals(st.stableRS)) {
      return "stable";
    }
    if (hash.equals(st.currentPodHash)) {
      return st.blueGreen != null ? "preview" : "canary";
    }
    return orZero(rs.getSpec() == null ? null : rs.getSpec().getReplicas()) == 0
        ? "scaled down"
        : "old";
  }

  /** The revision annotation of a ReplicaSet, 0 when missing or not a number. */
  static int revision(ReplicaSet rs) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    String value = a == null ? null : a.get(RolloutLabels.REVISION);
    try {
      return value == null ? 0 : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The pod-template hash label of a ReplicaSet, "" when missing. */
  static String hash(ReplicaSet rs) {
    Map<String, String> labels = rs.getMetadata().getLabels();
    return labels == null
        ? ""
        : Objects.requireNonNullElse(labels.get(RolloutLabels.POD_TEMPLATE_HASH), "");
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
