package dev.ramp.plugin.sdk.runner;

import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader that takes the plugin API, and every library its types expose, from the
 * runner first. A plugin JAR that bundles its own copy of them still works: its classes then
 * implement the runner's {@code StepPlugin}, not a look-alike from the JAR. A class of those
 * packages that the runner lacks still loads from the plugin. Everything else comes from the plugin
 * JAR first, so its own libraries stay its own.
 */
final class ApiFirstClassLoader extends PluginClassLoader {

  static final List<String> SHARED_PACKAGES =
      List.of(
          "dev.ramp.plugin.api.",
          "dev.ramp.plugin.v1.",
          "dev.ramp.plugin.sdk.",
          "com.fasterxml.jackson.",
          "org.pf4j.",
          "io.grpc.",
          "com.google.protobuf.",
          "org.slf4j.");

  ApiFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
    super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
  }

  static boolean shared(String className) {
    for (String prefix : SHARED_PACKAGES) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Class<?> loadClass(String className) throws ClassNotFoundException {
    if (shared(className)) {
      try {
        return getParent().loadClass(className);
      } catch (ClassNotFoundException notShared) {
        // A package the runner does not have (a plugin of its own under dev.ramp.plugin.sdk):
        // the plugin's copy it is.
      }
    }
    return super.loadClass(className);
  }
}
