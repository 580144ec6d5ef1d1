package dev.ramp.plugins.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's NGINX in its own prefix directory, on 127.0.0.1 only, as the tests run it: {@code nginx
 * -p DIR -c DIR/nginx.conf -g 'daemon off;'} as a child process, its own pid file, its http block
 * including {@code DIR/ramp/*.conf}, and a small server on a control port that says when it is up.
 * Never the system's NGINX service.
 */
final class LocalNginx implements AutoCloseable {
  static final Path NGINX = Path.of("/usr/sbin/nginx");

  private final Path dir;
  private final Process process;

  private LocalNginx(Path dir, Process process) {
    this.dir = dir;
    this.process = process;
  }

  /** A free port above 1024 on 127.0.0.1 (the kernel's choice). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the main configuration into {@code dir} (once; the includes go to DIR/ramp). */
  static Path configure(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("ramp"));
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(dir.resolve("temp"));
    Path conf = dir.resolve("nginx.conf");
    String temp = dir.resolve("temp").toString();
    Files.writeString(
        conf,
        "pid "
            + dir.resolve("nginx.pid")
            + ";\nerror_log "
            + dir.resolve("logs/error.log")
            + " notice;\nworker_processes 2;\nevents { worker_connections 1024; }\nhttp {\n"
            + "    access_log off;\n"
            + "    client_body_temp_path "
            + temp
            + "/body;\n    proxy_temp_path "
            + temp
            + "/proxy;\n    fastcgi_temp_path "
            + temp
            + "/fastcgi;\n    uwsgi_temp_path "
            + temp
            + "/uwsgi;\n    scgi_temp_path "
            + temp
            + "/scgi;\n    include "
            + dir.resolve("ramp")
            + "/*.conf;\n    include "
            + dir.resolve("control.conf")
            + ";\n}\n");
    return conf;
  }

  /**
   * A reload script for the plugin: {@code nginx -s reload} for this prefix, unless the file {@code
   * DIR/hold} exists (then it does nothing and succeeds: the test decides when the workers get the
   * new file).
   */
  static Path reloadScript(Path dir) throws IOException {
    Path script = dir.resolve("reload.sh");
    Files.writeString(
        script,
        "#!/bin/sh\nif [ -e '"
            + dir.resolve("hold")
            + "' ]; then exit 0; fi\nexec "
            + NGINX
            + " -p '"
            + dir
            + "' -c '"
            + dir.resolve("nginx.conf")
            + "' -s reload\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  static LocalNginx start(Path dir) throws IOException {
    configure(dir);
    int control = freePort();
    Files.writeString(
        dir.resolve("control.conf"),
        "server {\n    listen 127.0.0.1:" + control + ";\n    location / { return 204; }\n}\n");
    Process process =
        new ProcessBuilder(
                List.of(
                    NGINX.toString(),
                    "-p",
                    dir.toString(),
                    "-c",
                    dir.resolve("nginx.conf").toString(),
                    "-g",
                    "daemon off;"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("logs/nginx.out").toFile())
            .start();
    LocalNginx nginx = new LocalNginx(dir, process);
    await("NGINX listening on its control port")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              assertThat(process.isAlive()).as(nginx.log()).isTrue();
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", control), 1000);
                return true;
              } catch (IOException e) {
                return false;
              }
            });
    return nginx;
  }

  /** Reloads it as an operator would. */
  void reload() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                NGINX.toString(),
                "-p",
                dir.toString(),
                "-c",
                dir.resolve("nginx.conf").toString(),
                "-s",
                "reload")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    return read("logs/error.log") + read("logs/nginx.out");
  }

  private String read(String file) {
    try {
      return Files.readString(dir.resolve(file));
    } catch (IOException e) {
      return "(no " + file + ")";
    }
  }

  /** SIGTERM to the master (a fast shutdown of it and its workers), and waits for it. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
