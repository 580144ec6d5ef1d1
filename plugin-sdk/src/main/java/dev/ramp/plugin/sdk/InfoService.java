package dev.ramp.plugin.sdk;

import dev.ramp.plugin.v1.GetInfoRequest;
import dev.ramp.plugin.v1.InfoGrpc;
import dev.ramp.plugin.v1.PluginInfo;
import io.grpc.stub.StreamObserver;

/** Serves {@code ramp.plugin.v1.Info}: a fixed answer built once. */
final class InfoService extends InfoGrpc.InfoImplBase {

  private final PluginInfo info;

  InfoService(PluginInfo info) {
    this.info = info;
  }

  @Override
  public void getInfo(GetInfoRequest request, StreamObserver<PluginInfo> observer) {
    observer.onNext(info);
    observer.onCompleted();
  }
}
