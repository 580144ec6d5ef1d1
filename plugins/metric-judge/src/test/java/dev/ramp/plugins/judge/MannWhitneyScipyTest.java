package dev.ramp.plugins.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.plugin.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ramp's Mann-Whitney against an independent implementation: SciPy, run by Debian's {@code
 * /usr/bin/python3} with {@code python3-scipy} (on these machines {@code python3} on the PATH is
 * another interpreter, without SciPy). 200 seeded sample pairs, with ties and unequal sizes: the U
 * statistic and the p-value against {@code scipy.stats.mannwhitneyu(method='asymptotic',
 * use_continuity=True)}, the interval's end points against the same normal-approximation roots
 * found by {@code scipy.optimize.brentq}.
 */
class MannWhitneyScipyTest {

  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final int PAIRS = 200;

  @TempDir Path dir;

  /** A seeded pair: normal, rounded (ties), small integers (many ties), sizes 3 to 60. */
  static double[][] pair(Random random, int i) {
    int nx = 3 + random.nextInt(58);
    int ny = i % 4 == 0 ? nx : 3 + random.nextInt(58);
    double shift = random.nextGaussian() * (i % 3);
    double scale = Math.pow(10, random.nextInt(7) - 4);
    double[] x = new double[nx];
    double[] y = new double[ny];
    for (int k = 0; k < nx; k++) {
      x[k] = draw(random, i, shift) * scale;
    }
    for (int k = 0; k < ny; k++) {
      y[k] = draw(random, i, 0) * scale;
    }
    if (Transforms.constant(x) && Transforms.constant(y)) {
      x[0] += scale; // both constant is the judge's own rule, not the test's
    }
    return new double[][] {x, y};
  }

  private static double draw(Random random, int i, double shift) {
    double v = random.nextGaussian() + shift;
    return switch (i % 5) {
      case 0, 1 -> v;
      case 2 -> Math.round(v * 2) / 2.0;
      case 3 -> Math.round(v * 10) / 10.0;
      default -> Math.round(Math.abs(v));
    };
  }

  @Test
  void uPValueAndIntervalAgreeWithScipyOn200SeededPairs() throws Exception {
    assertThat(PYTHON).as("Debian's python3 (apt-get install python3-scipy)").isExecutable();
    Random random = new Random(20_26_11_30L);
    List<double[][]> pairs = new ArrayList<>();
    ObjectNode request = Json.MAPPER.createObjectNode().put("confidence", 0.98);
    ArrayNode list = request.putArray("pairs");
    int tied = 0;
    int unequal = 0;
    for (int i = 0; i < PAIRS; i++) {
      double[][] p = pair(random, i);
      pairs.add(p);
      ObjectNode node = list.addObject();
      node.set("x", Json.tree(p[0]));
      node.set("y", Json.tree(p[1]));
      tied += hasTies(p) ? 1 : 0;
      unequal += p[0].length != p[1].length ? 1 : 0;
    }
    assertThat(tied).as("pairs with ties").isGreaterThan(80);
    assertThat(unequal).as("pairs of unequal sizes").isGreaterThan(100);

    JsonNode scipy = scipy(request).path("results");
    assertThat(scipy).hasSize(PAIRS);
    for (int i = 0; i < PAIRS; i++) {
      double[] x = pairs.get(i)[0];
      double[] y = pairs.get(i)[1];
      MannWhitney.Result ours = MannWhitney.test(x, y, 0.98);
      JsonNode theirs = scipy.get(i);
      double width =
          MannWhitney.max(x) - MannWhitney.min(y) - (MannWhitney.min(x) - MannWhitney.max(y));
      String what = "pair " + i + " (nx " + x.length + ", ny " + y.length + ")";
      assertThat(ours.u()).as(what + " U").isCloseTo(theirs.path("u").asDouble(), within(1e-9));
      assertThat(ours.pValue())
          .as(what + " p")
          .isCloseTo(theirs.path("p").asDouble(), within(1e-9));
      assertThat(ours.lower())
          .as(what + " lower")
          .isCloseTo(theirs.path("lower").asDouble(), within(width * 1e-9));
      assertThat(ours.upper())
          .as(what + " upper")
          .isCloseTo(theirs.path("upper").asDouble(), within(width * 1e-9));
      // Roots of one step function: they may share a jump, found to the solver's accuracy.
      assertThat(ours.lower()).as(what).isLessThanOrEqualTo(ours.estimate() + width * 1e-9);
      assertThat(ours.estimate()).as(what).isLessThanOrEqualTo(ours.upper() + width * 1e-9);
    }
  }

  private static boolean hasTies(double[][] p) {
    double[] all = new double[p[0].length + p[1].length];
    System.arraycopy(p[0], 0, all, 0, p[0].length);
    System.arraycopy(p[1], 0, all, p[0].length, p[1].length);
    return java.util.Arrays.stream(all).distinct().count() < all.length;
  }

  private JsonNode scipy(ObjectNode request) throws IOException, InterruptedException {
    Path script = dir.resolve("scipy_mannwhitney.py");
    try (InputStream in = getClass().getResourceAsStream("scipy_mannwhitney.py")) {
      Files.copy(in, script);
    }
    Path input = dir.resolve("pairs.json");
    Files.writeString(input, request.toString());
    Process p =
        new ProcessBuilder(PYTHON.toString(), script.toString())
            .redirectInput(input.toFile())
            .redirectOutput(dir.resolve("out.json").toFile())
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("SciPy finished").isTrue();
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("SciPy's exit; stderr: " + err).isZero();
    return Json.MAPPER.readTree(dir.resolve("out.json").toFile());
  }
}
