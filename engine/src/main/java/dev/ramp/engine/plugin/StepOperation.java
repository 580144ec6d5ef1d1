package dev.ramp.engine.plugin;

/** The three calls of a step plugin, named as in {@code status.canary.stepPluginStatuses[]}. */
public enum StepOperation {
  RUN("Run"),
  TERMINATE("Terminate"),
  ABORT("Abort");

  private final String rpcName;

  StepOperation(String rpcName) {
    this.rpcName = rpcName;
  }

  /** The RPC's name in the contract, also used as the context's operation. */
  public String rpcName() {
    return rpcName;
  }
}
