package dev.ramp.engine.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/** Turns exceptions into the one line a person reads, and an exit code. */
final class CliErrors {

  /** Exit code for usage and input errors; 1 and 2 are the rollout verdicts of `status`. */
  static final int INPUT_ERROR = 3;

  /** Exit code when the cluster cannot be reached or refused the request. */
  static final int CLUSTER_ERROR = 4;

  private CliErrors() {}

  static String describe(Throwable e) {
    if (e instanceof CliException) {
      // One line whatever a library put into the message (--verbose prints the whole trace).
      return firstLine(e.getMessage());
    }
    KubernetesClientException k = cause(e, KubernetesClientException.class);
    if (hasCause(e, ConnectException.class) || hasCause(e, UnknownHostException.class)) {
      Throwable root = rootCause(e);
      String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      return "cannot reach the Kubernetes API: "
          + (k != null
              ? firstLine(k.getMessage()).replaceAll("\\s+", " ") + " (" + firstLine(why) + ")"
              : firstLine(why))
          + "; check --kubeconfig and --context";
    }
    if (k != null) {
      String message = k.getStatus() != null ? k.getStatus().getMessage() : k.getMessage();
      return "the Kubernetes API refused the request"
          + (k.getCode() > 0 ? " (HTTP " + k.getCode() + ")" : "")
          + ": "
          + firstLine(message);
    }
    Throwable root = rootCause(e);
    return firstLine(
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
  }

  /**
   * A YAML or JSON parser's problem in one line, without the library's internals (its source
   * excerpt, caret and "at [Source: ...]"): "expected ',' or ']' at line 2, column 20".
   */
  static String parseProblem(java.io.IOException e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
      String original = j.getOriginalMessage() == null ? "" : j.getOriginalMessage();
      // SnakeYAML's text: context and problem lines, each followed by an indented excerpt.
      String why =
          original
              .lines()
              .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
              .map(String::strip)
              .collect(java.util.stream.Collectors.joining(": "));
      var at = j.getLocation();
      return why
          + (at == null || at.getLineNr() < 1
              ? ""
              : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
    }
    return firstLine(e.getMessage());
  }

  static int exitCode(Throwable e) {
    if (e instanceof CliException cli) {
      return cli.exitCode();
    }
    if (cause(e, KubernetesClientException.class) != null || hasCause(e, ConnectException.class)) {
      return CLUSTER_ERROR;
    }
    return INPUT_ERROR;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    return cause(e, type) != null;
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text.strip() : text.substring(0, newline).strip();
  }
}
