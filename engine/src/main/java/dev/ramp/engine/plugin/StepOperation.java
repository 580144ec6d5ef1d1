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

  /**
   * The idempotency key of this operation on one step of one canary: derived, never stored, so a
   * controller restarted after a crash sends the same key again. A retry after an abort counts up
   * {@code retries}, which makes the steps run again new operations. The first 32 hex digits of
   * sha256(uid, pod-template hash, step hash, index, operation[, retries]).
   */
  public String idempotencyKey(
      String uid, String podHash, String stepHash, int stepIndex, Integer retries) {
    String text = uid + "\n" + podHash + "\n" + stepHash + "\n" + stepIndex + "\n" + rpcName;
    if (retries != null && retries > 0) {
      text += "\nretry " + retries;
    }
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
