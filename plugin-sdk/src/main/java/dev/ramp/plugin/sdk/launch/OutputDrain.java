package dev.ramp.plugin.sdk.launch;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads one of a plugin's output streams on its own daemon thread for the plugin's whole life, so a
 * chatty plugin never blocks on a full pipe. Lines are cut at {@link #MAX_LINE} bytes so output
 * without newlines cannot exhaust the host's memory.
 */
final class OutputDrain {

  static final int MAX_LINE = 8192;
  private static final int TAIL_LINES = 10;

  private final Thread thread;
  private final Deque<String> tail = new ArrayDeque<>();

  OutputDrain(String threadName, InputStream in, Consumer<String> onLine, Runnable onEnd) {
    thread =
        new Thread(
            () -> {
              try {
                pump(in, onLine);
              } finally {
                onEnd.run();
              }
            },
            threadName);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Waits (bounded) until the stream ended, so the last lines are in {@link #tail()}. */
  void awaitEnd(Duration max) {
    try {
      thread.join(Math.max(1, max.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last few lines read, oldest first. */
  List<String> tail() {
    synchronized (tail) {
      return List.copyOf(tail);
    }
  }

  private void pump(InputStream raw, Consumer<String> onLine) {
    try (InputStream in = new BufferedInputStream(raw)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          emit(line, onLine);
        } else {
          line.write(b);
          if (line.size() >= MAX_LINE) {
            emit(line, onLine);
          }
        }
      }
      if (line.size() > 0) {
        emit(line, onLine);
      }
    } catch (IOException e) {
      // The stream closes when the process dies or is stopped: nothing left to read.
    }
  }

  private void emit(ByteArrayOutputStream buffer, Consumer<String> onLine) {
    String text = buffer.toString(StandardCharsets.UTF_8);
    buffer.reset();
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    synchronized (tail) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(text);
    }
    try {
      onLine.accept(text);
    } catch (RuntimeException e) {
      // A failing log sink must not stop the draining, or the plugin would block.
    }
  }
}
