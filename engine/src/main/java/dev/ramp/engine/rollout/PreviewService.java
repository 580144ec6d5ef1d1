package dev.ramp.engine.rollout;

/**
 * The preview Service selects the new pod template at once, as in Argo (its pods come up behind
 * it); at stable it selects the stable pods like the active Service. An aborted rollout leaves it
 * where it is. Only the {@code rollouts-pod-template-hash} key of its selector is written.
 */
final class PreviewService implements SubStep {

  @Override
  public void apply(Reconcile r) {
    String preview = BlueGreen.spec(r).previewService;
    if (preview == null || r.aborted()) {
      return;
    }
    r.selectors.put(preview, r.hash);
    r.bg().previewSelector = r.hash;
  }
}
