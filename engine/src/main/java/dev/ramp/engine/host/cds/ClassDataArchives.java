package dev.ramp.engine.host.cds;

import dev.ramp.engine.host.artifact.PluginArtifacts;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PluginLaunchException;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.v1.GetInfoRequest;
import dev.ramp.plugin.v1.InfoGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class-data-sharing archives that make JAR plugins start faster: one per plugin JAR, keyed by the
 * JDK, the runner JAR, the plugin JAR's sha256 and the JVM options.
 *
 * <p>A JVM writes a dynamic archive only at a clean exit, so an archive is made by a short training
 * start (start, one Info call, graceful stop) in the background after the first plain start
 * succeeded; later starts use it. An archive is checked against the digest recorded beside it
 * before every use — a truncated archive crashes the JVM rather than being ignored — and a start
 * that still fails with it makes the caller {@link #discard} it and start plainly.
 */
public final class ClassDataArchives {

  private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchives.class);

  private final Path dir;
  private final PluginLauncher launcher;
  private final Executor trainer;
  private final Set<String> training = ConcurrentHashMap.newKeySet();
  private final Set<String> failed = ConcurrentHashMap.newKeySet();

  /** Archives verified in this process, with the size and time they had then. */
  private final Map<String, String> verified = new ConcurrentHashMap<>();

  /**
   * @param dir where archives are kept (a cache volume)
   * @param launcher the launcher used for training starts (the host's own)
   * @param trainer runs training starts; {@code Runnable::run} makes them synchronous
   */
  public ClassDataArchives(Path dir, PluginLauncher launcher, Executor trainer) {
    this.dir = dir;
    this.launcher = launcher;
    this.trainer = trainer;
  }

  /**
   * The spec to start: with its archive when a good one exists, else the spec unchanged. Specs that
   * are not JARs are returned unchanged.
   */
  public LaunchSpec prepare(LaunchSpec spec) {
    if (!spec.isJar() || spec.runnerJar() == null) {
      return spec;
    }
    String key = key(spec);
    Path archive = archivePath(key);
    if (isUsable(key, archive)) {
      return withOptions(spec, List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"));
    }
    return spec;
  }

  /**
   * Starts a plugin with its archive when it has a good one, and plainly when it has none or the
   * start with it fails (the archive is then discarded and made again later).
   */
  public PluginProcess launch(LaunchSpec spec) {
    LaunchSpec prepared = prepare(spec);
    if (prepared == spec) {
      PluginProcess process = launcher.launch(spec);
      // Only a plugin that starts is worth an archive (not one with a wrong checksum, say).
      scheduleTraining(spec);
      return process;
    }
    try {
      return launcher.launch(prepared);
    } catch (PluginLaunchException e) {
      LOG.warn(
          "plugin {}: start with its class-data archive failed ({}); starting without it",
          spec.name(),
          e.getMessage());
      discard(spec);
      return launcher.launch(spec);
    }
  }

  private void scheduleTraining(LaunchSpec spec) {
    if (!spec.isJar() || spec.runnerJar() == null) {
      return;
    }
    String key = key(spec);
    if (!failed.contains(key) && training.add(key)) {
      try {
        trainer.execute(
            () -> {
              try {
                train(spec, key);
              } finally {
                training.remove(key);
              }
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The host is closing: no more training.
        training.remove(key);
      }
    }
  }

  /** A start with the archive failed: delete it, so the next start is plain and retrains. */
  public void discard(LaunchSpec spec) {
    if (!spec.isJar() || spec.runnerJar() == null) {
      return;
    }
    String key = key(spec);
    verified.remove(key);
    deleteQuietly(archivePath(key));
    deleteQuietly(digestPath(key));
    LOG.warn("plugin {}: discarded its class-data archive after a failed start", spec.name());
  }

  /** The archive of a spec, if a usable one exists. */
  public Optional<Path> archiveOf(LaunchSpec spec) {
    String key = key(spec);
    Path archive = archivePath(key);
    return isUsable(key, archive) ? Optional.of(archive) : Optional.empty();
  }

  /** Makes the archive now (blocking); for benchmarks and tools. */
  public Optional<Path> trainNow(LaunchSpec spec) {
    String key = key(spec);
    failed.remove(key);
    train(spec, key);
    return archiveOf(spec);
  }

  private void train(LaunchSpec spec, String key) {
    Path archive = archivePath(key);
    Path partial = dir.resolve(key + ".training-" + ProcessHandle.current().pid() + ".jsa");
    try {
      Files.createDirectories(dir);
      deleteQuietly(partial);
      LaunchSpec trainingSpec =
          withOptions(
              spec,
              // The dump warns about every class it skips (lambda forms, JFR events): noise.
              List.of("-XX:ArchiveClassesAtExit=" + partial, "-Xlog:cds*=error:stderr"));
      try (PluginProcess process = launcher.launch(trainingSpec)) {
        // Load the classes of a real call, not only of the start.
        InfoGrpc.newBlockingStub(process.channel())
            .withDeadlineAfter(spec.startTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .getInfo(GetInfoRequest.getDefaultInstance());
      }
      if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
        throw new IOException("the training start exited without writing an archive");
      }
      String digest = sha256(partial);
      Files.writeString(digestPath(key), digest + "\n", StandardCharsets.US_ASCII);
      move(partial, archive);
      verified.remove(key);
      LOG.info(
          "plugin {}: class-data archive ready ({} KiB)", spec.name(), Files.size(archive) / 1024);
    } catch (IOException | RuntimeException e) {
      // Never retried in this process: a plugin whose training fails still starts plainly.
      failed.add(key);
      LOG.warn(
          "plugin {}: no class-data archive, starts stay plain: {}", spec.name(), e.getMessage());
    } finally {
      deleteQuietly(partial);
    }
  }

  private boolean isUsable(String key, Path archive) {
    try {
      if (!Files.isRegularFile(archive) || !Files.isRegularFile(digestPath(key))) {
        return false;
      }
      FileTime modified = Files.getLastModifiedTime(archive);
      String stamp = Files.size(archive) + "@" + modified.toMillis();
      if (stamp.equals(verified.get(key))) {
        return true;
      }
      String expected = Files.readString(digestPath(key), StandardCharsets.US_ASCII).strip();
      if (expected.equals(sha256(archive))) {
        verified.put(key, stamp);
        return true;
      }
      LOG.warn("class-data archive {} does not match its digest; starting without it", archive);
      deleteQuietly(archive);
      deleteQuietly(digestPath(key));
      return false;
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  /** The key: everything a dynamic archive depends on. */
  static String key(LaunchSpec spec) {
    MessageDigest digest = newDigest();
    update(digest, System.getProperty("java.vm.version"));
    update(digest, System.getProperty("java.home"));
    update(digest, sha256(spec.runnerJar()));
    update(
        digest,
        spec.sha256() != null
            ? spec.sha256().toLowerCase(java.util.Locale.ROOT)
            : sha256(spec.location()));
    spec.jvmOptions().forEach(option -> update(digest, option));
    return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
  }

  private Path archivePath(String key) {
    return dir.resolve(key + ".jsa");
  }

  private Path digestPath(String key) {
    return dir.resolve(key + ".jsa.sha256");
  }

  private static LaunchSpec withOptions(LaunchSpec spec, List<String> extra) {
    List<String> options = new ArrayList<>(spec.jvmOptions());
    options.addAll(extra);
    // Everything else as given, the private files (a kubeconfig) included.
    return spec.withJvmOptions(options);
  }

  private static void update(MessageDigest digest, String value) {
    digest.update(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
  }

  static String sha256(Path file) {
    try {
      return PluginArtifacts.sha256(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Left for the next training start to overwrite.
    }
  }
}
