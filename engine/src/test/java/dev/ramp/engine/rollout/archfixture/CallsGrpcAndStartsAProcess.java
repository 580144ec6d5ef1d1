package dev.ramp.engine.rollout.archfixture;

/** Deliberately bad, for ArchitectureTest: gRPC and a child process outside the plugin host. */
public final class CallsGrpcAndStartsAProcess {
  public Object status() {
    return io.grpc.Status.UNAVAILABLE;
  }

  public Process start() throws java.io.IOException {
    return new ProcessBuilder("true").start();
  }
}
