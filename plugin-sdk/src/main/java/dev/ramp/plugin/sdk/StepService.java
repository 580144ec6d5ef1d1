package dev.ramp.plugin.sdk;

import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.StepResult;
import io.grpc.stub.StreamObserver;

/** Serves a {@link StepPlugin} as {@code ramp.plugin.v1.StepPlugin}. */
final class StepService extends StepPluginGrpc.StepPluginImplBase {

  private final StepPlugin plugin;

  StepService(StepPlugin plugin) {
    this.plugin = plugin;
  }

  @Override
  public void run(StepRequest request, StreamObserver<StepResult> observer) {
    Calls.unary(
        "Run",
        observer,
        () -> Conversions.stepResult("run", plugin.run(Conversions.stepCall(request))));
  }

  @Override
  public void terminate(StepRequest request, StreamObserver<StepResult> observer) {
    Calls.unary(
        "Terminate",
        observer,
        () -> Conversions.stepResult("terminate", plugin.terminate(Conversions.stepCall(request))));
  }

  @Override
  public void abort(StepRequest request, StreamObserver<StepResult> observer) {
    Calls.unary(
        "Abort",
        observer,
        () -> Conversions.stepResult("abort", plugin.abort(Conversions.stepCall(request))));
  }
}
