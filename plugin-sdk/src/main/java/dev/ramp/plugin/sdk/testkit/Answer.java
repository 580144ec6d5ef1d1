package dev.ramp.plugin.sdk.testkit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.Supplier;

/** One RPC's answer: the response, or the status the call ended with. */
record Answer<T>(T response, Status status) {

  static <T> Answer<T> of(Supplier<T> call) {
    try {
      return new Answer<>(call.get(), Status.OK);
    } catch (StatusRuntimeException e) {
      return new Answer<>(null, e.getStatus());
    }
  }

  boolean ok() {
    return status.isOk();
  }

  Status.Code code() {
    return status.getCode();
  }

  /** "INVALID_ARGUMENT: config.x must be ..." */
  String describe() {
    String description = status.getDescription();
    return status.getCode()
        + (description == null || description.isEmpty() ? "" : ": " + description);
  }
}
