package dev.ramp.plugin.sdk;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Runs one unary call of a plugin and answers with its value or its mapped status. */
final class Calls {

  private Calls() {}

  static <T> void unary(String method, StreamObserver<T> observer, Supplier<T> call) {
    T value;
    try {
      value = call.get();
    } catch (Throwable failure) {
      observer.onError(GrpcErrors.toStatus(method, failure).asRuntimeException());
      if (failure instanceof VirtualMachineError error) {
        throw error;
      }
      return;
    }
    observer.onNext(value);
    observer.onCompleted();
  }
}
