package dev.ramp.engine.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.puppycrawl.tools.checkstyle.Checker;
import com.puppycrawl.tools.checkstyle.ConfigurationLoader;
import com.puppycrawl.tools.checkstyle.PropertiesExpander;
import com.puppycrawl.tools.checkstyle.api.AuditEvent;
import com.puppycrawl.tools.checkstyle.api.AuditListener;
import com.puppycrawl.tools.checkstyle.api.SeverityLevel;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The size rules that {@code mvn verify} checks on the engine's main code ({@code
 * build/checkstyle.xml}: files at most 500 lines, methods at most 60), run here on a deliberately
 * bad file and a good one, so that a broken rule cannot pass unnoticed.
 */
class SizeRulesTest {
  static final Path CONFIG = Path.of("..", "build", "checkstyle.xml");

  @TempDir Path dir;

  List<String> violations(Path source) throws Exception {
    Checker checker = new Checker();
    checker.setModuleClassLoader(Checker.class.getClassLoader());
    checker.configure(
        ConfigurationLoader.loadConfiguration(
            CONFIG.toString(),
            new PropertiesExpander(new Properties()),
            ConfigurationLoader.IgnoredModulesOptions.OMIT));
    List<String> found = new ArrayList<>();
    checker.addListener(
        new AuditListener() {
          public void auditStarted(AuditEvent e) {}

          public void auditFinished(AuditEvent e) {}

          public void fileStarted(AuditEvent e) {}

          public void fileFinished(AuditEvent e) {}

          public void addError(AuditEvent e) {
            if (e.getSeverityLevel() != SeverityLevel.IGNORE) {
              found.add(e.getMessage());
            }
          }

          public void addException(AuditEvent e, Throwable t) {
            found.add("exception: " + t);
          }
        });
    checker.process(List.of(new File(source.toString())));
    checker.destroy();
    return found;
  }

  /** A class with one method of {@code methodLines} lines, padded to {@code fileLines}. */
  Path source(String name, int methodLines, int fileLines) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("class " + name + " {");
    lines.add("  int f() {");
    lines.add("    int x = 0;");
    for (int i = 0; i < methodLines - 4; i++) {
      lines.add("    x++;");
    }
    lines.add("    return x;");
    lines.add("  }");
    while (lines.size() < fileLines - 1) {
      lines.add("  // padding");
    }
    lines.add("}");
    return Files.write(dir.resolve(name + ".java"), lines);
  }

  @Test
  void aLongMethodAndALongFileAreEachAViolation() throws Exception {
    assertThat(violations(source("TooBig", 61, 501)))
        .hasSize(2)
        .anySatisfy(m -> assertThat(m).contains("Method f length is 61 lines (max allowed is 60)"))
        .anySatisfy(m -> assertThat(m).contains("File length is 501 lines (max allowed is 500)"));
  }

  @Test
  void withinTheLimitsNothingIsReported() throws Exception {
    assertThat(violations(source("JustRight", 60, 500))).isEmpty();
  }
}
