package dev.ramp.plugin.sdk;

import dev.ramp.plugin.api.PluginException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.lang.System.Logger.Level;

/**
 * The one mapping from what a plugin throws to the gRPC status the host sees. Every status carries
 * a description, so the rollout's owner always reads a text, never a bare UNKNOWN.
 */
final class GrpcErrors {

  private static final System.Logger LOG = System.getLogger(GrpcErrors.class.getName());

  private GrpcErrors() {}

  /**
   * The status for a failure of {@code method}; unexpected exceptions and plugin bugs are logged
   * with their stack trace on stderr.
   */
  static Status toStatus(String method, Throwable failure) {
    Status status = statusOf(failure);
    if (status.getCode() == Status.Code.INTERNAL) {
      LOG.log(Level.WARNING, method + " failed: " + status.getDescription(), failure);
    } else {
      LOG.log(
          Level.INFO, method + " answered " + status.getCode() + ": " + status.getDescription());
    }
    return status;
  }

  static Status statusOf(Throwable failure) {
    if (failure instanceof PluginException e) {
      return Status.fromCode(codeOf(e.reason())).withDescription(describe(e)).withCause(e);
    }
    if (failure instanceof StatusRuntimeException e) {
      return withText(e.getStatus(), failure);
    }
    if (failure instanceof StatusException e) {
      return withText(e.getStatus(), failure);
    }
    if (failure instanceof UnsupportedOperationException e) {
      return Status.UNIMPLEMENTED.withDescription(describe(e)).withCause(e);
    }
    return Status.INTERNAL
        .withDescription(failure.getClass().getSimpleName() + ": " + failure.getMessage())
        .withCause(failure);
  }

  static Status.Code codeOf(PluginException.Reason reason) {
    return switch (reason) {
      case INVALID_CONFIG -> Status.Code.INVALID_ARGUMENT;
      case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case UNIMPLEMENTED -> Status.Code.UNIMPLEMENTED;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  // A status thrown by the plugin itself passes through; UNKNOWN or a missing text is made
  // readable, since the host treats neither as meaningful.
  private static Status withText(Status status, Throwable failure) {
    Status result = status.getCode() == Status.Code.UNKNOWN ? Status.INTERNAL : status;
    if (status.getDescription() == null || status.getDescription().isBlank()) {
      result = result.withDescription(failure.getClass().getSimpleName() + ": " + status.getCode());
    } else {
      result = result.withDescription(status.getDescription());
    }
    return result.withCause(failure);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
