package dev.ramp.engine.rollout.archfixture;

/** Deliberately bad, for ArchitectureTest: a pipeline class that reads the clock and the API. */
public final class ReadsTheClockAndTheApi {
  public java.time.Instant now() {
    return java.time.Instant.now();
  }

  public Object pods(io.fabric8.kubernetes.client.KubernetesClient client) {
    return client.pods().list();
  }
}
