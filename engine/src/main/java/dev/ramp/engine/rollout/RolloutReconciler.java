package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.engine.plugin.StepPluginClient;
import dev.ramp.engine.plugin.TrafficRouterClient;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepResult;
import java.util.Objects;

/**
 * The rollout reconcile pipeline, the package's entry: from what was {@link Observed} to the {@link
 * Plan} of what to write. The Rollout's {@link Strategy} lists its sub-steps (for the canary:
 * validate, revision and hash, decide abort, walk the steps, ReplicaSets, Service selectors, Abort
 * on plugin steps, history clean-up, restart, status); each reads the plan so far and adds its
 * part.
 *
 * <p>It makes no Kubernetes calls and reads no clock: time is {@link Observed#now()}. Step plugins
 * are called through the {@link StepPluginClient} it is given (the plugin host in a controller, a
 * fake in a test), so planning has that one side effect — whose answers the plan lists, for the
 * host to keep until the status records them.
 */
public final class RolloutReconciler {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RolloutReconciler.class);
  private final StepPluginClient plugins;
  private final TrafficRouterClient routers;
  private final PluginStepSettings pluginSettings;

  /** A pipeline without plugins: a plugin step is an InvalidSpec. */
  public RolloutReconciler() {
    this(noPlugins(), PluginStepSettings.defaults());
  }

  /** A pipeline that calls step plugins through {@code plugins}. */
  public RolloutReconciler(StepPluginClient plugins, PluginStepSettings pluginSettings) {
    this(plugins, noRouters(), pluginSettings);
  }

  /**
   * A pipeline that calls step plugins through {@code plugins} and traffic routers through {@code
   * routers}.
   */
  public RolloutReconciler(
      StepPluginClient plugins, TrafficRouterClient routers, PluginStepSettings pluginSettings) {
    this.plugins = Objects.requireNonNull(plugins, "plugins");
    this.routers = Objects.requireNonNull(routers, "routers");
    this.pluginSettings = Objects.requireNonNull(pluginSettings, "pluginSettings");
  }

  /**
   * Computes the plan. Never throws for a bad spec: that becomes an InvalidSpec status. Anything
   * unforeseen that a spec makes a sub-step throw (a number or a time out of range) becomes an
   * InvalidSpec too, with a message and an Event, instead of an exception every reconcile.
   */
  public Plan reconcile(Observed observed) {
    try {
      Reconcile r = new Reconcile(observed, plugins, routers, pluginSettings);
      for (SubStep step : Strategy.of(observed.rollout()).subSteps()) {
        if (r.stopped) {
          break;
        }
        step.apply(r);
      }
      return r.plan();
    } catch (RuntimeException e) {
      LOG.warn("A Rollout's reconcile failed; it is marked InvalidSpec", e);
      Reconcile r = new Reconcile(observed, plugins, routers, pluginSettings);
      ValidateSpec.invalid(r, unforeseen(e));
      return r.plan();
    }
  }

  /** The message of an unforeseen failure, in words (never a class name). */
  static String unforeseen(RuntimeException e) {
    if (e instanceof InvalidSpecException) {
      return e.getMessage();
    }
    String what =
        e instanceof ArithmeticException
            ? "a number in the spec is too large to compute with"
            : e instanceof java.time.DateTimeException
                ? "a time computed from the spec is out of range"
                : "the controller failed while planning it";
    return "spec: cannot be reconciled: "
        + what
        + "; check the durations and counts in the spec (the controller's log has the details)";
  }

  /** The pod-template hash of a template as written, with an optional collision count. */
  public static String podTemplateHash(JsonNode template, Integer collisionCount) {
    return PodTemplateHash.of(template, collisionCount);
  }

  /** True when {@code spec.restartAt} asks for pods not yet replaced: observe the pods then. */
  public static boolean restartPending(Rollout rollout) {
    return RestartPods.pending(rollout);
  }

  /** A client that knows no router: a rollout with trafficRouting holds with a condition. */
  public static TrafficRouterClient noRouters() {
    return NoRouters.INSTANCE;
  }

  /** A client that knows no plugin: every plugin step of a rollout is an InvalidSpec. */
  public static StepPluginClient noPlugins() {
    return new StepPluginClient() {
      @Override
      public PluginAvailability availability(String pluginName) {
        return PluginAvailability.of(
            PluginAvailability.State.UNKNOWN, "this controller runs without a plugin host");
      }

      @Override
      public StepResult call(String pluginName, StepOperation operation, StepCall call) {
        return StepResult.error("this controller runs without a plugin host");
      }
    };
  }
}
