package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rehearsal.Rehearsal;
import dev.ramp.engine.rehearsal.Rehearsal.Outcome;
import dev.ramp.engine.rehearsal.Rehearsal.StepRecord;
import dev.ramp.engine.rehearsal.Rehearsal.Verdict;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One clock per world: in a rehearsal at speed 1 and 100, the step history's pause durations are
 * the manifest's, `ramp get` counts a pause down from its length against the API server's time, and
 * nothing the controller wrote is ahead of the API server's clock. Every assertion is on the
 * world's clock, none on wall time.
 */
class RehearsalTimesIT {
  static final Pattern PAUSE =
      Pattern.compile("Pause:\\s+CanaryPauseStep, for (\\d+)s, (\\d+)s left");

  @TempDir Path work;

  @ParameterizedTest
  @ValueSource(ints = {1, 100})
  void pausesLastTheirDurationsInTheHistoryAndInGet(int speed) {
    List<String> gets = new ArrayList<>();
    try (Rehearsal rehearsal =
        Rehearsal.start(
            new Rehearsal.Options(
                speed,
                Duration.ofSeconds(1),
                true,
                Duration.ofMinutes(10),
                null,
                work,
                line -> {}))) {
      Rollout rollout =
          rehearsal
              .apply(List.of(Path.of("src/test/resources/rehearsal/timed-pauses.yaml")))
              .get(0);
      assertThat(rehearsal.awaitStable(rollout).verdict()).isEqualTo(Verdict.HEALTHY);
      rehearsal.newRevision(rollout, "timed:2");
      String[] kubeconfig = {"--kubeconfig", rehearsal.kubeconfig().toString(), "-n", "default"};
      Outcome outcome =
          rehearsal.runToEnd(
              rollout,
              r -> {
                if ("Paused".equals(r.getStatus().phase) && gets.size() < 4) {
                  List<String> args = new ArrayList<>(List.of("get", "rollout", "timed"));
                  args.addAll(List.of(kubeconfig));
                  gets.add(CliHarness.run(args.toArray(String[]::new)).out());
                }
              });

      assertThat(outcome.verdict()).isEqualTo(Verdict.HEALTHY);
      List<StepRecord> history = outcome.history();
      assertThat(history).extracting(StepRecord::step).hasSize(4);
      assertThat(history).as(history.toString()).hasSize(4);
      assertThat(took(history.get(1))).isEqualTo(Duration.ofSeconds(3));
      assertThat(took(history.get(3)))
          .as(dev.ramp.engine.model.Json.write(outcome.rollout().getStatus()))
          .isEqualTo(Duration.ofSeconds(2));

      // `ramp get` during a pause: counted against the world's (the API server's) time, so the
      // time paused and the time left add up to the pause (the server's Date has whole seconds).
      assertThat(gets).isNotEmpty();
      for (String view : gets) {
        Matcher m = PAUSE.matcher(view);
        if (!m.find()) {
          continue; // the pause ended between the status and the look
        }
        long since = Long.parseLong(m.group(1));
        long left = Long.parseLong(m.group(2));
        assertThat(left).as(view).isLessThanOrEqualTo(3);
        assertThat(since + left).as(view).isBetween(1L, 4L);
      }

      // Nothing written is ahead of the API server's clock.
      Instant server =
          new ServerClock(rehearsal.client(), java.time.Clock.systemUTC()).instant().plusSeconds(1);
      Rollout done = outcome.rollout();
      List<String> stamps = new ArrayList<>();
      stamps.add(done.getStatus().canary.currentStepStartedAt);
      done.getStatus().conditions.forEach(c -> stamps.add(c.lastUpdateTime));
      for (ReplicaSet rs : ClusterOptions.replicaSets(rehearsal.client(), done)) {
        stamps.add(rs.getMetadata().getCreationTimestamp());
      }
      assertThat(stamps).allSatisfy(t -> assertThat(Instant.parse(t)).isBeforeOrEqualTo(server));
    }
  }

  static Duration took(StepRecord s) {
    return Duration.between(s.start(), s.end());
  }
}
