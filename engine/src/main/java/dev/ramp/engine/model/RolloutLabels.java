package dev.ramp.engine.model;

/** The labels and annotations Ramp puts on the objects a Rollout owns, and on Rollouts. */
public final class RolloutLabels {
  private RolloutLabels() {}

  /** Argo's label carrying the pod-template hash, on ReplicaSets, their pods and selectors. */
  public static final String POD_TEMPLATE_HASH = "rollouts-pod-template-hash";

  /** The revision a ReplicaSet was created (or last made current) at. */
  public static final String REVISION = "rollout.ramp.dev/revision";

  /**
   * When a ReplicaSet kept up after it left the traffic is scaled down (RFC 3339): the old stable
   * after a promotion ({@code scaleDownDelaySeconds}), the canary after an abort ({@code
   * abortScaleDownDelaySeconds}). Argo's {@code scale-down-deadline}.
   */
  public static final String SCALE_DOWN_DEADLINE = "rollout.ramp.dev/scale-down-deadline";

  /**
   * The pod metadata by role Ramp put on a ReplicaSet's pod template and pods (JSON), so that it
   * can take exactly that off when the role ends. Written last, after the pods: a controller that
   * stops half way finds the old value and writes the whole change again. Argo's {@code
   * ephemeral-metadata}.
   */
  public static final String ROLE_METADATA = "rollout.ramp.dev/role-metadata";

  /** The pod template as the user wrote it (canonical JSON), so that undo restores it exactly. */
  public static final String TEMPLATE = "rollout.ramp.dev/template";

  /**
   * Assigns a Rollout to one controller instance (sharding): a controller with an instance id
   * handles only the Rollouts carrying that value; one without handles only unlabelled Rollouts.
   */
  public static final String CONTROLLER_INSTANCE = "ramp.dev/controller-instance";
}
