package dev.ramp.plugins.nginx;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.PluginException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The two things the router asks of a running NGINX: reload, and which generation it serves. */
interface Nginx {

  /**
   * Reloads NGINX gracefully. Throws {@code UNAVAILABLE} when NGINX is not running and {@code
   * INVALID_CONFIG} when it refuses the configuration, each with NGINX's own words.
   */
  void reload();

  /** The generation the workers serve; {@code UNAVAILABLE} when NGINX does not answer. */
  long servedGeneration(URI url);

  /** The real one: the platform's reload command, and a fresh connection for each question. */
  final class Process implements Nginx {
    private static final long RELOAD_TIMEOUT_SECONDS = 30;
    private final List<String> command;

    Process(List<String> command) {
      this.command = List.copyOf(command);
    }

    @Override
    public void reload() {
      java.lang.Process process;
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new InvalidConfigException(
            Platform.RELOAD,
            "the reload command " + command + " cannot be started: " + e.getMessage());
      }
      try {
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(RELOAD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new PluginException(
              PluginException.Reason.UNAVAILABLE,
              "the reload command " + String.join(" ", command) + " did not finish in 30 s");
        }
        int exit = process.exitValue();
        if (exit != 0) {
          throw failure(
              String.join(" ", command), exit, new String(output, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        throw new PluginException(
            PluginException.Reason.UNAVAILABLE, "reading the reload command's output: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new PluginException(
            PluginException.Reason.UNAVAILABLE, "interrupted while reloading");
      }
    }

    @Override
    public long servedGeneration(URI url) {
      int port = url.getPort() > 0 ? url.getPort() : 80;
      String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      // A new connection each time, closed after the answer: a kept-alive connection may still be
      // held by an old worker that shuts down gracefully and serves the old generation.
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(url.getHost(), port), 2000);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("GET "
                    + path
                    + " HTTP/1.0\r\nHost: "
                    + url.getHost()
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String answer = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
        int end = answer.indexOf("\r\n\r\n");
        String status = answer.lines().findFirst().orElse("");
        String body = end < 0 ? "" : answer.substring(end + 4).trim();
        if (!status.matches("HTTP/1\\.[01] 200.*")) {
          throw new PluginException(
              PluginException.Reason.UNAVAILABLE,
              "NGINX answers "
                  + status
                  + " at "
                  + url
                  + ", not the generation: is the include loaded?");
        }
        try {
          return Long.parseLong(body);
        } catch (NumberFormatException e) {
          throw new PluginException(
              PluginException.Reason.UNAVAILABLE,
              "NGINX answers '" + abbreviate(body) + "' at " + url + ", not a generation number");
        }
      } catch (ConnectException e) {
        throw new PluginException(
            PluginException.Reason.UNAVAILABLE,
            "NGINX does not answer at " + url + " (" + e.getMessage() + "): is it running?");
      } catch (IOException e) {
        throw new PluginException(
            PluginException.Reason.UNAVAILABLE, "asking NGINX at " + url + ": " + e, e);
      }
    }

    private static byte[] readAll(InputStream in) throws IOException {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      byte[] chunk = new byte[1024];
      for (int n; (n = in.read(chunk)) >= 0 && buffer.size() < 65536; ) {
        buffer.write(chunk, 0, n);
      }
      return buffer.toByteArray();
    }
  }

  /**
   * What a failed reload means: NGINX not running (no pid file, a stale pid) is UNAVAILABLE; NGINX
   * refusing the configuration ({@code [emerg]}) is INVALID_CONFIG. The text is NGINX's.
   */
  static PluginException failure(String command, int exit, String output) {
    String said = output.strip().replaceAll("\\s*\\n\\s*", "; ");
    String lower = said.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains(".pid\" failed")
        || lower.contains("invalid pid number")
        || lower.contains("no such process")) {
      return new PluginException(
          PluginException.Reason.UNAVAILABLE,
          "NGINX is not running (" + command + " exited " + exit + "): " + said);
    }
    if (lower.contains("[emerg]")) {
      return new PluginException(
          PluginException.Reason.INVALID_CONFIG,
          "NGINX refused the configuration (" + command + " exited " + exit + "): " + said);
    }
    return new PluginException(
        PluginException.Reason.UNAVAILABLE,
        "the reload failed ("
            + command
            + " exited "
            + exit
            + "): "
            + (said.isEmpty() ? "no output" : said));
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
