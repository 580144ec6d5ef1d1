package dev.ramp.engine.kube;

import dev.ramp.engine.analysis.AnalysisRunner;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.provider.MetricArgs;
import dev.ramp.engine.provider.MetricProviders;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The AnalysisRun controller: an informer on AnalysisRuns (and on the Jobs they own, whose changes
 * wake their run) feeds its own work queue. A reconcile reads the run (the informer's copy unless
 * this controller's own last write is newer), reads its args (Secrets at each reconcile, never
 * written), lets the {@link AnalysisRunner} take the measurements due on the injected clock, writes
 * the status in one merge patch ({@link StatusWriter}), releases the plugins' answers it recorded,
 * records Events on phase changes, and requeues for the next measurement.
 */
public final class AnalysisRunController implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final MetricProviderClient metricPlugins;
  private final StatusWriter<AnalysisRun, AnalysisRunStatus> statusWriter;
  private final EventRecorder events;
  private final RunArgs runArgs;
  private final MetricProviders builtIn;
  private final WorkQueue queue;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private volatile boolean started;
  private SharedIndexInformer<AnalysisRun> runs;
  private SharedIndexInformer<Job> jobs;
  private JobMeasurements jobMeasurements;

  /**
   * @param namespace the namespace to watch, or null for all
   * @param workers reconcile threads
   * @param metricPlugins the metric-provider plugins that {@code provider.plugin} metrics call
   */
  public AnalysisRunController(
      KubernetesClient client,
      String namespace,
      Clock clock,
      int workers,
      MetricProviderClient metricPlugins) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = namespace;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metricPlugins = Objects.requireNonNull(metricPlugins, "metricPlugins");
    this.statusWriter = new StatusWriter<>(client, AnalysisRun.class, AnalysisRun::getStatus);
    this.events = new EventRecorder(client, clock);
    this.runArgs = new RunArgs(client);
    this.builtIn = MetricProviders.create(clock::instant);
    this.queue =
        new WorkQueue(
            clock,
            workers,
            new WorkQueue.Backoff(Duration.ofMillis(5), Duration.ofSeconds(300)),
            this::reconcile);
  }

  /** True once started and both informers have listed their objects. */
  public boolean isReady() {
    return started && runs.hasSynced() && jobs.hasSynced();
  }

  /** Starts the informers, waits for their first list, then starts the workers. */
  public void start() {
    var all = client.resources(AnalysisRun.class);
    runs =
        (namespace == null ? all.inAnyNamespace() : all.inNamespace(namespace)).runnableInformer(0);
    runs.addEventHandler(
        InformerEvents.handler(
            r -> {
              statusWriter.observed(r);
              enqueue(r);
            },
            r -> {
              statusWriter.deleted(r);
              enqueue(r);
            }));
    runs.run();
    var allJobs = client.batch().v1().jobs();
    jobs =
        (namespace == null ? allJobs.inAnyNamespace() : allJobs.inNamespace(namespace))
            .withLabel(MetricJob.RUN_UID_LABEL)
            .runnableInformer(0);
    jobs.addEventHandler(InformerEvents.handler(this::enqueueOwner, this::enqueueOwner));
    jobs.run();
    jobMeasurements = new JobMeasurements(client, key -> jobs.getStore().getByKey(key));
    queue.start("ramp-analysisruns-" + instance);
    runs.getStore().list().forEach(this::enqueue);
    started = true;
  }

  /** Looks again at every run whose requeue time has come on the clock. */
  public void clockAdvanced() {
    queue.fireDue();
  }

  /** True when no run is queued or reconciled: only a due time can bring more work. */
  public boolean isIdle() {
    return queue.isIdle();
  }

  /** The earliest time on the clock at which a run is due for another look, if any. */
  public java.util.Optional<java.time.Instant> nextDue() {
    return queue.nextDue();
  }

  @Override
  public void close() {
    started = false;
    queue.stop();
    for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {runs, jobs}) {
      if (i != null) {
        i.stop();
      }
    }
  }

  private void enqueue(HasMetadata r) {
    queue.add(StatusWriter.key(r));
  }

  private void enqueueOwner(Job job) {
    JobMeasurements.owningRun(job).ifPresent(queue::add);
  }

  private WorkQueue.Result reconcile(String key) {
    AnalysisRun run = statusWriter.read(key, runs.getStore().getByKey(key));
    if (run == null || AnalysisRunner.completed(run.getStatus())) {
      return WorkQueue.Result.done();
    }
    Instant now = clock.instant();
    AnalysisRunStatus status;
    PluginMeasurements plugins = new PluginMeasurements(metricPlugins);
    AnalysisRunner.Outcome outcome = null;
    MetricArgs args = MetricArgs.of(Map.of());
    try {
      args = runArgs.resolve(run);
      outcome =
          AnalysisRunner.reconcile(
              run,
              args.values(),
              new RunMeasurer(now, run, args, builtIn, jobMeasurements, plugins),
              now);
      status = outcome.status();
    } catch (RunArgs.Unresolved e) {
      status = AnalysisRunner.errored(run.getStatus(), e.getMessage(), now);
    }
    status = RunStatusMasking.mask(status, args);
    String before =
        run.getStatus() == null ? null : Json.canonicalString(Json.tree(run.getStatus()));
    if (!Json.canonicalString(Json.tree(status)).equals(before)) {
      statusWriter.write(run, status);
    }
    // The status holds the plugins' answers now: release them.
    metricPlugins.recorded(plugins.calls());
    recordEvents(run, status, outcome == null ? List.of() : outcome.warnings(), args);
    if (outcome == null || outcome.wakeAt().isEmpty()) {
      return WorkQueue.Result.done();
    }
    // A time, not a delay: the clock may have moved since this reconcile read it.
    return WorkQueue.Result.at(outcome.wakeAt().get());
  }

  /**
   * An Event when a metric or the run completes, as Argo records them ({@code Metric<Phase>},
   * {@code AnalysisRun<Phase>}), and one for each warning.
   */
  private void recordEvents(
      AnalysisRun run, AnalysisRunStatus after, List<String> warnings, MetricArgs args) {
    ObjectReference on = reference(run);
    Map<String, String> phaseBefore = new HashMap<>();
    AnalysisRunStatus before = run.getStatus();
    if (before != null && before.metricResults != null) {
      before.metricResults.forEach(r -> phaseBefore.put(r.name, r.phase));
    }
    if (after.metricResults != null) {
      for (AnalysisRunStatus.MetricResult r : after.metricResults) {
        if (completed(r.phase) && !Objects.equals(r.phase, phaseBefore.get(r.name))) {
          events.record(
              on,
              type(r.phase),
              "Metric" + r.phase,
              "Metric '" + r.name + "' Completed. Result: " + r.phase + suffix(r.message));
        }
      }
    }
    String was = before == null ? null : before.phase;
    if (completed(after.phase) && !Objects.equals(after.phase, was)) {
      events.record(
          on,
          type(after.phase),
          "AnalysisRun" + after.phase,
          "Analysis Completed. Result: " + after.phase + suffix(after.message));
    }
    for (String w : warnings) {
      events.record(on, "Warning", "GarbageCollectFailed", args.mask(w));
    }
  }

  private static String suffix(String message) {
    return message == null || message.isEmpty() ? "" : ": " + message;
  }

  private static boolean completed(String phase) {
    return List.of("Successful", "Failed", "Error", "Inconclusive").contains(phase);
  }

  /** As Argo's: only Failed and Error warn; Successful and Inconclusive are Normal. */
  private static String type(String phase) {
    return "Failed".equals(phase) || "Error".equals(phase) ? "Warning" : "Normal";
  }

  private static ObjectReference reference(AnalysisRun run) {
    return new ObjectReferenceBuilder()
        .withApiVersion(run.getApiVersion())
        .withKind("AnalysisRun")
        .withName(run.getMetadata().getName())
        .withNamespace(run.getMetadata().getNamespace())
        .withUid(run.getMetadata().getUid())
        .build();
  }
}
