package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.host.cds.ClassDataArchives;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.v1.GetInfoRequest;
import dev.ramp.plugin.v1.InfoGrpc;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-data archives made by a training start of a real JAR plugin, used, and distrusted. */
class ClassDataArchivesIT {

  @TempDir Path dir;
  private final List<String> log = new ArrayList<>();
  private final PluginLauncher launcher = new PluginLauncher(log::add);

  @Test
  void aTrainedArchiveIsUsedByLaterStarts() {
    ClassDataArchives archives = new ClassDataArchives(dir, launcher, Runnable::run);
    LaunchSpec spec = TestPlugins.echoSpec("ramp-tests/echo");

    // The first start has no archive yet: it starts plainly, then trains one (synchronously here).
    assertThat(archives.prepare(spec)).isSameAs(spec);
    try (PluginProcess plugin = archives.launch(spec)) {
      assertThat(answersInfo(plugin)).isEqualTo("ramp-tests/echo");
    }
    Path archive = archives.archiveOf(spec).orElseThrow();
    assertThat(archive).isRegularFile();

    LaunchSpec second = archives.prepare(spec);
    assertThat(second.jvmOptions()).contains("-XX:SharedArchiveFile=" + archive);
    try (PluginProcess plugin = archives.launch(spec)) {
      assertThat(answersInfo(plugin)).isEqualTo("ramp-tests/echo");
    }
  }

  @Test
  void aCorruptedArchiveIsNotUsed() throws IOException {
    ClassDataArchives archives = new ClassDataArchives(dir, launcher, Runnable::run);
    LaunchSpec spec = TestPlugins.echoSpec("ramp-tests/echo");
    Path archive = archives.trainNow(spec).orElseThrow();

    // Truncated: a JVM would crash on it; the recorded digest catches it first.
    truncate(archive, Files.size(archive) / 2);
    assertThat(archives.prepare(spec).jvmOptions()).noneMatch(o -> o.contains("SharedArchive"));
    try (PluginProcess plugin = archives.launch(spec)) {
      assertThat(answersInfo(plugin)).isEqualTo("ramp-tests/echo");
    }
  }

  @Test
  void aStartThatFailsWithTheArchiveFallsBackToAPlainStart() throws IOException {
    ClassDataArchives archives = new ClassDataArchives(dir, launcher, Runnable::run);
    LaunchSpec spec = TestPlugins.echoSpec("ramp-tests/echo");
    Path archive = archives.trainNow(spec).orElseThrow();

    // Broken in a way the digest does not see (it is recomputed): the JVM dies on it.
    truncate(archive, Files.size(archive) / 2);
    Path digest = archive.resolveSibling(archive.getFileName() + ".sha256");
    Files.writeString(digest, sha256(archive) + "\n");

    try (PluginProcess plugin = archives.launch(spec)) {
      assertThat(answersInfo(plugin)).isEqualTo("ramp-tests/echo");
    }
    assertThat(archive).doesNotExist();
  }

  private static String answersInfo(PluginProcess plugin) {
    return InfoGrpc.newBlockingStub(plugin.channel())
        .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
        .getInfo(GetInfoRequest.getDefaultInstance())
        .getName();
  }

  private static void truncate(Path file, long size) throws IOException {
    file.toFile().setWritable(true);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
