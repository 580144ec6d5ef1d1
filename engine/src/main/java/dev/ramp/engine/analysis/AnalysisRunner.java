package dev.ramp.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the metrics of an analysis with Argo's semantics. {@link #reconcile} is one reconcile of an
 * AnalysisRun: it reads the run's status, takes the measurements due at {@code now} through a
 * {@link Measurer} (the providers), and returns the new status and when to look again — the
 * AnalysisRun controller writes the one and requeues for the other. {@link #start} keeps a run in
 * memory for {@code ramp analysis run}. Time is a parameter; nothing here reads a clock or the API.
 */
public final class AnalysisRunner {

  /** One measurement taken, for people: metric, its number (from 1), phase, value, message. */
  public record Taken(String metric, int index, String phase, String value, String message) {}

  /**
   * What one reconcile made of a run.
   *
   * @param status the run's new status
   * @param taken the measurements taken, resumed or terminated in this reconcile
   * @param wakeAt when a measurement becomes due next; empty when none will without an outside
   *     event (a Job that changes, a spec that is edited)
   * @param warnings what went wrong without deciding the run (a provider's garbage collection)
   */
  public record Outcome(
      AnalysisRunStatus status,
      List<Taken> taken,
      Optional<Instant> wakeAt,
      List<String> warnings) {
    public String phase() {
      return status.phase;
    }

    public boolean done() {
      return RunStatusMapping.phase(status.phase).completed();
    }
  }

  /** The template cannot run; the message names every bad field. */
  public static final class InvalidTemplate extends Exception {
    InvalidTemplate(String message) {
      super(message);
    }
  }

  /**
   * One reconcile of {@code run}.
   *
   * @param args the value of every arg of the run, Secrets' included (the caller masks them in what
   *     it writes and prints)
   */
  public static Outcome reconcile(
      AnalysisRun run, Map<String, String> args, Measurer measurer, Instant now) {
    return RunReconcile.reconcile(
        Json.tree(run.getSpec()),
        args,
        Boolean.TRUE.equals(run.getSpec().terminate),
        run.getStatus(),
        measurer,
        now);
  }

  /**
   * The status of a run that ends in Error before measuring, such as with an arg whose Secret is
   * missing: {@code message} says why.
   */
  public static AnalysisRunStatus errored(AnalysisRunStatus before, String message, Instant now) {
    return RunReconcile.errored(before, message, now);
  }

  /** Whether a status is final (Successful, Failed, Error or Inconclusive). */
  public static boolean completed(AnalysisRunStatus status) {
    return status != null && RunStatusMapping.phase(status.phase).completed();
  }

  /**
   * What is wrong with an AnalysisTemplate's {@code spec}, as a run would refuse it, checked
   * without args (they get values when a run starts): each problem starts with its field path.
   */
  public static List<String> validate(JsonNode spec) {
    return TemplateMetrics.problems(spec);
  }

  /** A run kept in memory: {@code ramp analysis run}, where nothing is written to the API. */
  public static final class InMemory {
    private final JsonNode spec;
    private final Map<String, String> args;
    private final Measurer measurer;
    private AnalysisRunStatus status = new AnalysisRunStatus();

    private InMemory(JsonNode spec, Map<String, String> args, Measurer measurer) {
      this.spec = spec;
      this.args = args;
      this.measurer = measurer;
    }

    /** The resolved args, for the provider specs' {@code {{args.x}}}. */
    public Map<String, String> args() {
      return args;
    }

    /** Takes what is due at {@code now}; returns the run's phase and the next time to look. */
    public Outcome advance(Instant now) {
      Outcome o = RunReconcile.reconcile(spec, args, false, status, measurer, now);
      status = o.status();
      return o;
    }
  }

  /**
   * A run of an AnalysisTemplate's {@code spec} with these args (they override the template's
   * values); its first {@link InMemory#advance} starts it.
   */
  public static InMemory start(JsonNode spec, Map<String, String> args, Measurer measurer)
      throws InvalidTemplate {
    try {
      return new InMemory(spec, TemplateMetrics.read(spec, args).args, measurer);
    } catch (TemplateMetrics.Invalid e) {
      throw new InvalidTemplate(e.getMessage());
    }
  }

  private AnalysisRunner() {}
}
