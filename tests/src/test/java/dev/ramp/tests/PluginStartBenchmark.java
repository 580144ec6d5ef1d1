package dev.ramp.tests;

import dev.ramp.engine.host.cds.ClassDataArchives;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.v1.GetInfoRequest;
import dev.ramp.plugin.v1.InfoGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JAR plugin's JVM start to its first answered call, and its resident memory then, with and
 * without its class-data archive. Prints figures; asserts nothing.
 *
 * <p>Run: {@code mvn -B -Pbench verify -pl tests -am -Dbench.starts=10}
 */
class PluginStartBenchmark {

  @TempDir Path dir;

  record Sample(double millis, long rssKib, long pssKib) {}

  @Test
  void startToFirstCall() throws Exception {
    int starts = Integer.getInteger("bench.starts", 10);
    PluginLauncher launcher = new PluginLauncher(line -> {});
    ClassDataArchives archives = new ClassDataArchives(dir, launcher, Runnable::run);
    LaunchSpec echo = TestPlugins.echoSpec("ramp-tests/echo");
    String extra = System.getProperty("bench.jvmOptions", "");
    LaunchSpec plain =
        extra.isBlank()
            ? echo
            : new LaunchSpec(
                echo.name(),
                echo.location(),
                null,
                echo.args(),
                echo.env(),
                List.of(extra.trim().split("\\s+")),
                echo.startTimeout(),
                echo.runnerJar());
    archives.trainNow(plain).orElseThrow(() -> new IllegalStateException("no archive made"));
    LaunchSpec withArchive = archives.prepare(plain);

    // One of each first, so that the OS page cache is warm for both.
    measure(launcher, plain);
    measure(launcher, withArchive);
    List<Sample> plainSamples = new ArrayList<>();
    List<Sample> archiveSamples = new ArrayList<>();
    for (int i = 0; i < starts; i++) {
      plainSamples.add(measure(launcher, plain));
      archiveSamples.add(measure(launcher, withArchive));
    }
    System.out.printf(
        "%nplugin JVM start to first answered call (echo step plugin JAR, %d starts each, %d cores)%n",
        starts, Runtime.getRuntime().availableProcessors());
    report("without archive", plainSamples);
    report("with archive", archiveSamples);
  }

  private static Sample measure(PluginLauncher launcher, LaunchSpec spec) throws IOException {
    long start = System.nanoTime();
    try (PluginProcess plugin = launcher.launch(spec)) {
      InfoGrpc.newBlockingStub(plugin.channel())
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .getInfo(GetInfoRequest.getDefaultInstance());
      double millis = (System.nanoTime() - start) / 1e6;
      return new Sample(millis, rssKib(plugin.pid()), pssKib(plugin.pid()));
    }
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** Proportional set size: shared pages (the JDK's and the plugin's archive) counted in part. */
  private static long pssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
      if (line.startsWith("Pss:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static void report(String label, List<Sample> samples) {
    List<Double> millis = new ArrayList<>(samples.stream().map(Sample::millis).toList());
    List<Long> rss = new ArrayList<>(samples.stream().map(Sample::rssKib).toList());
    List<Long> pss = new ArrayList<>(samples.stream().map(Sample::pssKib).toList());
    Collections.sort(pss);
    Collections.sort(millis);
    Collections.sort(rss);
    System.out.printf(
        "  %-16s  start→call p50 %6.0f ms  min %6.0f  max %6.0f   RSS p50 %5.1f MiB  max %5.1f MiB"
            + "  PSS p50 %5.1f MiB%n",
        label,
        millis.get(millis.size() / 2),
        millis.get(0),
        millis.get(millis.size() - 1),
        rss.get(rss.size() / 2) / 1024.0,
        rss.get(rss.size() - 1) / 1024.0,
        pss.get(pss.size() / 2) / 1024.0);
  }
}
