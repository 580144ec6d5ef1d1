package dev.ramp.plugin.sdk.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds a small executable JAR whose main method has the given body. */
final class FakeRunner {

  private FakeRunner() {}

  static Path build(Path dir, String mainBody) throws IOException {
    Path src = Files.createDirectories(dir.resolve("runner-src"));
    Path classes = Files.createDirectories(dir.resolve("runner-classes"));
    Path source = src.resolve("Runner.java");
    Files.writeString(
        source,
        "public class Runner { public static void main(String[] args) { " + mainBody + " } }");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int result = javac.run(null, null, null, "-d", classes.toString(), source.toString());
    if (result != 0) {
      throw new IllegalStateException("could not compile the fake runner: javac exit " + result);
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Runner");
    Path jar = dir.resolve("runner.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("Runner.class"));
      out.write(Files.readAllBytes(classes.resolve("Runner.class")));
      out.closeEntry();
    }
    return jar;
  }
}
