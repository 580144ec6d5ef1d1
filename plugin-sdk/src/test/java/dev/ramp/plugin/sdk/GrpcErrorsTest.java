package dev.ramp.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.BackendUnavailableException;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.PluginException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrpcErrorsTest {

  @ParameterizedTest
  @CsvSource({
    "INVALID_CONFIG, INVALID_ARGUMENT",
    "FAILED_PRECONDITION, FAILED_PRECONDITION",
    "UNAVAILABLE, UNAVAILABLE",
    "UNIMPLEMENTED, UNIMPLEMENTED",
    "INTERNAL, INTERNAL"
  })
  void eachReasonHasItsCodeAndKeepsTheMessage(PluginException.Reason reason, Status.Code code) {
    Status status = GrpcErrors.toStatus("Run", new PluginException(reason, "what went wrong"));

    assertThat(status.getCode()).isEqualTo(code);
    assertThat(status.getDescription()).isEqualTo("what went wrong");
  }

  @Test
  void specificExceptionsMapThroughTheirReason() {
    assertThat(GrpcErrors.statusOf(new InvalidConfigException("poll.url", "is not a URL")))
        .satisfies(
            s -> {
              assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(s.getDescription()).isEqualTo("poll.url: is not a URL");
            });
    assertThat(GrpcErrors.statusOf(new BackendUnavailableException("jenkins is down")).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void anyOtherExceptionIsInternalWithItsTypeAndMessage() {
    Status status = GrpcErrors.toStatus("Run", new IllegalStateException("no job for key k1"));

    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription()).isEqualTo("IllegalStateException: no job for key k1");
    assertThat(status.getCause()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anErrorWithoutMessageStillNamesItsType() {
    Status status = GrpcErrors.toStatus("Run", new NullPointerException());

    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription()).isEqualTo("NullPointerException: null");
  }

  @Test
  void linkageErrorsOfAPluginAreInternal() {
    Status status = GrpcErrors.statusOf(new NoClassDefFoundError("com/acme/Missing"));

    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription()).isEqualTo("NoClassDefFoundError: com/acme/Missing");
  }

  @Test
  void unsupportedOperationIsUnimplemented() {
    Status status = GrpcErrors.statusOf(new UnsupportedOperationException("no mirrors here"));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(status.getDescription()).isEqualTo("no mirrors here");
  }

  @Test
  void aStatusThrownByThePluginPassesThroughButNeverAsBareUnknown() {
    assertThat(
            GrpcErrors.statusOf(
                Status.NOT_FOUND.withDescription("no such job").asRuntimeException()))
        .satisfies(
            s -> {
              assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(s.getDescription()).isEqualTo("no such job");
            });
    Status unknown = GrpcErrors.statusOf(Status.UNKNOWN.asException());
    assertThat(unknown.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(unknown.getDescription()).isEqualTo("StatusException: UNKNOWN");
  }

  @Test
  void aPluginExceptionWithoutMessageIsDescribedByItsType() {
    Status status =
        GrpcErrors.statusOf(new PluginException(PluginException.Reason.UNAVAILABLE, null));

    assertThat(status.getDescription()).isEqualTo("PluginException");
  }
}
