package dev.ramp.plugin.sdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.sdk.PluginServer;
import dev.ramp.plugin.v1.StepPhase;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.StepResult;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guide's minimal step plugin, served by the SDK as the controller would call it. */
class HelloStepTest {

  private Server server;
  private ManagedChannel channel;
  private StepPluginGrpc.StepPluginBlockingStub step;

  @BeforeEach
  void start() throws Exception {
    PluginServer plugin =
        PluginServer.builder("acme/hello", "1.0.0").plugin(new HelloStep()).build();
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    plugin.services().forEach(builder::addService);
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    step = StepPluginGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void greetsThenSucceedsWithTheStateItKept() {
    StepResult first =
        step.run(StepRequest.newBuilder().setConfigJson("{\"name\":\"world\"}").build());
    assertThat(first.getPhase()).isEqualTo(StepPhase.STEP_PHASE_RUNNING);
    assertThat(first.getMessage()).isEqualTo("hello world");
    assertThat(first.getRequeueAfter().getSeconds()).isEqualTo(5);

    StepResult second =
        step.run(
            StepRequest.newBuilder()
                .setConfigJson("{\"name\":\"world\"}")
                .setStateJson(first.getStateJson())
                .build());
    assertThat(second.getPhase()).isEqualTo(StepPhase.STEP_PHASE_SUCCESSFUL);
    assertThat(second.getMessage()).isEqualTo("said hello to world");
  }

  @Test
  void aMissingNameIsAnInvalidConfig() {
    assertThatThrownBy(() -> step.run(StepRequest.newBuilder().setConfigJson("{}").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("name: is required");
            });
  }
}
